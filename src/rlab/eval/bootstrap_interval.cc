#include "rlab/eval/bootstrap_interval.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::eval {

std::array<double, 2> BootstrapMeanInterval(const std::vector<double>& values, uint64_t seed,
                                            double level, int resamples) {
  RLAB_CHECK(level > 0 && level < 1, "a confidence level must be in (0, 1), got {}", level);
  RLAB_CHECK(resamples >= 1, "bootstrap resamples must be >= 1, got {}", resamples);
  const double nan = std::nan("");
  if (values.empty()) return {nan, nan};
  Rng rng(seed);
  const int64_t n = static_cast<int64_t>(values.size());
  std::vector<double> means(resamples);
  for (double& mean : means) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += values[rng.UniformInt(n)];
    mean = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  // The same number of means beyond each end: with 1,000 resamples at 95%, the 26th smallest
  // and the 26th largest.
  const auto beyond = std::clamp<int64_t>(
      static_cast<int64_t>(std::floor((1 - level) / 2 * resamples)), 0, (resamples - 1) / 2);
  return {means[beyond], means[resamples - 1 - beyond]};
}

}  // namespace rlab::eval
