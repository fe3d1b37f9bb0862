// The rl trainer on a tiny model for tests: two prompts a step, AdamW at a fixed 1e-3, seed 7.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "rlab/models/optim/fused_adamw.h"
#include "rlab/rl/lm_policy_gradient_trainer.h"

namespace rlab::rl {

inline LmPolicyGradientTrainer MakeTinyLmTrainer(const LmPolicyGradientOptions& options,
                                                 LmPolicyGradientModels models,
                                                 int64_t max_new_tokens) {
  models.reference->eval();
  LmPolicyGradientOptimisation optimisation;
  optimisation.prompts_per_step = 2;
  optimisation.build = [](const std::vector<torch::Tensor>& p) {
    return std::make_unique<models::FusedAdamW>(p, torch::optim::AdamWOptions(1e-3));
  };
  optimisation.schedule = [](torch::optim::AdamW&, int64_t) { return 1e-3; };
  models::GenerationOptions generation;
  generation.max_new_tokens = max_new_tokens;
  return LmPolicyGradientTrainer(options, std::move(models), std::move(optimisation), generation,
                                 7);
}

}  // namespace rlab::rl
