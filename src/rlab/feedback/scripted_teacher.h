// B-Pref's scripted teacher (Lee et al., "B-Pref: Benchmarking Preference-Based Reinforcement
// Learning", NeurIPS Datasets and Benchmarks 2021, arXiv:2111.03026, section 3.2), which
// simulates the irrationalities of a human labeller with five knobs:
//   beta         rationality: P(second preferred) = exp(beta R2) / (exp(beta R1) + exp(beta R2))
//                over the (myopic) returns R1, R2; beta <= 0 means perfectly rational
//                (deterministic: the larger return wins);
//   gamma        myopia: step k of H (0 = oldest) is weighted gamma^(H-1-k), so the newest step
//                has weight 1; gamma = 1 is far-sighted;
//   eps_mistake  the label is flipped with this probability after it is chosen;
//   eps_skip     queries whose larger undiscounted return is at most
//                eps_skip * (H / T) * mean_episode_return are skipped (not answered);
//   eps_equal    queries whose undiscounted returns differ by less than
//                eps_equal * (H / T) * mean_episode_return are labelled equally preferable.
// The order of operations follows B-Pref's reference labeller: skip, then equal, then the
// rational/myopic label, then the mistake. See Label() in the .cc for the choices made where
// the per-query form here differs from B-Pref's batched code.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "rlab/feedback/teacher.h"

namespace rlab::feedback {

struct ScriptedTeacherOptions {
  double beta = 0.0;  // <= 0: deterministic
  double gamma = 1.0;
  double eps_mistake = 0.0;
  double eps_skip = 0.0;
  double eps_equal = 0.0;

  void Validate() const;
};

class ScriptedTeacher final : public Teacher {
 public:
  explicit ScriptedTeacher(const ScriptedTeacherOptions& options);

  TeacherLabel Label(const SegmentQuery& query, const TeacherContext& context,
                     Rng& rng) const override;
  std::string Describe() const override;

  // Pieces of Label, exposed for tests and for callers that want the numbers.
  // sum_k gamma^(H-1-k) r_k.
  double MyopicReturn(std::span<const double> rewards) const;
  // P(second preferred) before mistakes, for a query that is neither skipped nor equal.
  double SecondPreferredProbability(const SegmentQuery& query) const;
  // eps * (H / T) * mean_episode_return for segments of length `h`.
  static double Threshold(double eps, size_t h, const TeacherContext& context);

  const ScriptedTeacherOptions& options() const { return options_; }

 private:
  ScriptedTeacherOptions options_;
};

}  // namespace rlab::feedback
