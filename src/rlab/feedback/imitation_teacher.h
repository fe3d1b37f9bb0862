// The synthetic Bradley-Terry teacher of the `imitation` library (Gleave et al., "imitation:
// Clean Imitation Learning Implementations", arXiv:2211.11972; its SyntheticGatherer), which
// follows Christiano et al., "Deep Reinforcement Learning from Human Preferences",
// arXiv:1706.03741:
//   R_i = sum_k discount^k r_k     (discount counted from the start of the fragment, k = 0 first)
//   P(first preferred) = sigmoid(clip((R1 - R2) / temperature, -threshold, threshold))
// and the label is drawn from that probability. temperature = 0 is deterministic: the larger
// return wins and equal returns give the tie label 0.5, as in imitation. imitation clips the
// scaled difference at +-threshold (default 50) before the exponential; that is kept so the
// probabilities match, although the sigmoid here cannot overflow without it.
// Labels use this area's convention (0 = first preferred), the reverse of imitation's
// "probability that fragment 1 is preferred".
#pragma once

#include <span>
#include <string>

#include "rlab/feedback/teacher.h"

namespace rlab::feedback {

struct ImitationTeacherOptions {
  double temperature = 1.0;
  double discount = 1.0;
  double threshold = 50.0;

  void Validate() const;
};

class ImitationBradleyTerryTeacher final : public Teacher {
 public:
  explicit ImitationBradleyTerryTeacher(const ImitationTeacherOptions& options);

  TeacherLabel Label(const SegmentQuery& query, const TeacherContext& context,
                     Rng& rng) const override;
  std::string Describe() const override;

  // sum_k discount^k r_k.
  double DiscountedReturn(std::span<const double> rewards) const;
  // P(second preferred): 1 - imitation's model probability.
  double SecondPreferredProbability(const SegmentQuery& query) const;

 private:
  ImitationTeacherOptions options_;
};

}  // namespace rlab::feedback
