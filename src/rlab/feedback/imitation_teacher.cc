#include "rlab/feedback/imitation_teacher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {

void ImitationTeacherOptions::Validate() const {
  RLAB_CHECK(temperature >= 0.0 && std::isfinite(temperature),
             "bradley_terry teacher: temperature must be finite and >= 0 (0 = deterministic), "
             "got {}",
             temperature);
  RLAB_CHECK(discount > 0.0 && discount <= 1.0,
             "bradley_terry teacher: discount must be in (0, 1], got {}", discount);
  RLAB_CHECK(threshold > 0.0, "bradley_terry teacher: threshold must be > 0, got {}", threshold);
}

ImitationBradleyTerryTeacher::ImitationBradleyTerryTeacher(const ImitationTeacherOptions& options)
    : options_(options) {
  options_.Validate();
}

double ImitationBradleyTerryTeacher::DiscountedReturn(std::span<const double> rewards) const {
  double total = 0.0;
  double weight = 1.0;  // discount^k, k counted from the fragment's first step
  for (double r : rewards) {
    total += weight * r;
    weight *= options_.discount;
  }
  return total;
}

double ImitationBradleyTerryTeacher::SecondPreferredProbability(const SegmentQuery& query) const {
  const double r1 = DiscountedReturn(query.first);
  const double r2 = DiscountedReturn(query.second);
  if (options_.temperature == 0.0) return r1 > r2 ? 0.0 : (r1 < r2 ? 1.0 : 0.5);
  const double diff =
      std::clamp((r2 - r1) / options_.temperature, -options_.threshold, options_.threshold);
  return StableSigmoid(diff);
}

TeacherLabel ImitationBradleyTerryTeacher::Label(const SegmentQuery& query, const TeacherContext&,
                                                 Rng& rng) const {
  CheckQuery(query);
  const double p_second = SecondPreferredProbability(query);
  if (options_.temperature == 0.0) return TeacherLabel{.answered = true, .label = p_second};
  return TeacherLabel{.answered = true,
                      .label = rng.Bernoulli(p_second) ? kSecondPreferred : kFirstPreferred};
}

std::string ImitationBradleyTerryTeacher::Describe() const {
  return fmt::format("bradley_terry(temperature={}, discount={}, threshold={})",
                     options_.temperature, options_.discount, options_.threshold);
}

}  // namespace rlab::feedback
