#include "rlab/models/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rlab::models {

double WarmupCosineFactor(int64_t step, int64_t total_steps, int64_t warmup_steps,
                          double min_ratio) {
  if (step < warmup_steps) return static_cast<double>(step) / static_cast<double>(warmup_steps);
  const int64_t decay_steps = std::max<int64_t>(1, total_steps - warmup_steps);
  const double progress =
      std::clamp(static_cast<double>(step - warmup_steps) / decay_steps, 0.0, 1.0);
  const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return min_ratio + (1.0 - min_ratio) * cosine;
}

}  // namespace rlab::models
