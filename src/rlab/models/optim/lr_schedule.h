// Learning-rate schedules as multipliers of the base rate.
#pragma once

#include <cstdint>

namespace rlab::models {

// Linear warm-up from 0 over `warmup_steps`, then half a cosine from 1 down to `min_ratio` at
// `total_steps` (Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
// arXiv:1608.03983, without restarts; with min_ratio 0 it is Hugging Face's
// get_cosine_schedule_with_warmup). `step` counts the optimiser steps already taken.
double WarmupCosineFactor(int64_t step, int64_t total_steps, int64_t warmup_steps,
                          double min_ratio);

}  // namespace rlab::models
