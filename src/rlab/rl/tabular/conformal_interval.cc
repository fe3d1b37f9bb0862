#include "rlab/rl/tabular/conformal_interval.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

int64_t ConformalRank(int64_t n, double alpha) {
  RLAB_CHECK(alpha > 0.0 && alpha < 1.0, "conformal alpha must be in (0, 1), got {}", alpha);
  RLAB_CHECK(n >= 0, "conformal calibration size must be >= 0, got {}", n);
  // A small tolerance keeps an exact product such as (19 + 1) * 0.9 = 18 from rounding up.
  return static_cast<int64_t>(std::ceil(static_cast<double>(n + 1) * (1.0 - alpha) - 1e-9));
}

double SplitConformalQuantile(std::vector<double> residuals, double alpha) {
  for (double r : residuals) {
    RLAB_CHECK(std::isfinite(r) && r >= 0.0, "conformal residuals must be finite and >= 0, got {}",
               r);
  }
  const int64_t n = static_cast<int64_t>(residuals.size());
  const int64_t k = ConformalRank(n, alpha);
  if (k > n) return std::numeric_limits<double>::infinity();
  if (k <= 0) return 0.0;
  std::nth_element(residuals.begin(), residuals.begin() + (k - 1), residuals.end());
  return residuals[k - 1];
}

}  // namespace rlab::rl::tabular
