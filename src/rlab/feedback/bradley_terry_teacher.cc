#include "rlab/feedback/bradley_terry_teacher.h"

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::feedback {

BradleyTerryTeacher::BradleyTerryTeacher(double beta, double mistake)
    : beta_(beta), mistake_(mistake) {
  RLAB_CHECK(mistake >= 0.0 && mistake <= 1.0, "teacher mistake rate must be in [0, 1], got {}",
             mistake);
}

double BradleyTerryTeacher::PreferenceProbability(double return_a, double return_b) const {
  const double diff = return_a - return_b;
  if (beta_ <= 0.0) return diff > 0 ? 1.0 : (diff < 0 ? 0.0 : 0.5);
  return 1.0 / (1.0 + std::exp(-beta_ * diff));
}

double BradleyTerryTeacher::Label(double return_a, double return_b, Rng& rng) const {
  double label = rng.Bernoulli(PreferenceProbability(return_a, return_b)) ? 1.0 : 0.0;
  if (mistake_ > 0.0 && rng.Bernoulli(mistake_)) label = 1.0 - label;
  return label;
}

}  // namespace rlab::feedback
