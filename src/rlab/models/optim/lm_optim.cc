#include "rlab/models/optim/lm_optim.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/models/optim/lr_schedule.h"

namespace rlab::models {

void LmOptim::Validate() const {
  RLAB_CHECK(steps >= 0, "optim.steps must be >= 0, got {}", steps);
  RLAB_CHECK(steps > 0 || epochs > 0, "optim.epochs must be > 0 when steps is 0");
  RLAB_CHECK(batch_size >= 1 && grad_accum >= 1,
             "optim.batch_size and optim.grad_accum must be >= 1");
  RLAB_CHECK(learning_rate > 0 && std::isfinite(learning_rate),
             "optim.learning_rate must be > 0 and finite, got {}", learning_rate);
  RLAB_CHECK(weight_decay >= 0 && std::isfinite(weight_decay),
             "optim.weight_decay must be >= 0 and finite, got {}", weight_decay);
  RLAB_CHECK(min_lr_ratio >= 0 && min_lr_ratio <= 1, "optim.min_lr_ratio must be in [0, 1]");
  RLAB_CHECK(warmup_ratio >= 0 && warmup_ratio < 1, "optim.warmup_ratio must be in [0, 1)");
  RLAB_CHECK(max_grad_norm >= 0, "optim.max_grad_norm must be >= 0");
}

int64_t LmOptim::TotalSteps(int64_t examples) const {
  if (steps > 0) return steps;
  const double per_step = static_cast<double>(batch_size * grad_accum);
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(epochs * examples / per_step)));
}

double LmOptim::LearningRateAt(int64_t step, int64_t total_steps) const {
  const int64_t warmup = static_cast<int64_t>(warmup_ratio * total_steps);
  return learning_rate * WarmupCosineFactor(step, total_steps, warmup, min_lr_ratio);
}

std::unique_ptr<torch::optim::AdamW> MakeAdamW(const std::vector<torch::Tensor>& parameters,
                                               const LmOptim& optim) {
  return std::make_unique<FusedAdamW>(parameters, torch::optim::AdamWOptions(optim.learning_rate)
                                                      .betas({optim.adam_beta1, optim.adam_beta2})
                                                      .weight_decay(optim.weight_decay));
}

void SetLearningRate(torch::optim::AdamW& optimizer, double learning_rate) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(learning_rate);
  }
}

}  // namespace rlab::models
