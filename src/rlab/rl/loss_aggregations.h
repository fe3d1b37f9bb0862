// How the token-level policy loss of rl/policy_gradient_loss.h becomes one scalar: a registry
// under the names TRL's GRPOTrainer gives its loss_type. An entry reduces the per-token losses
// l [B, T] over the mask of completion tokens m [B, T]:
//   grpo     (1/B) sum_b [sum_t m l / sum_t m]   each sequence's token mean, then the mean over
//            sequences (Shao et al., "DeepSeekMath", arXiv:2402.03300)
//   dr_grpo  sum_bt m l / (B * L)   a constant normaliser, L the maximum completion length (Liu
//            et al., "Understanding R1-Zero-Like Training: A Critical Perspective",
//            arXiv:2503.20783), which removes GRPO's length bias
//   dapo     sum_bt m l / sum_bt m   one token-level mean over the batch (Yu et al., "DAPO: An
//            Open-Source LLM Reinforcement Learning System at Scale", arXiv:2503.14476)
// A new aggregation is one entry and one line in RegisterLossAggregations().
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"

namespace rlab::rl {

class LossAggregation {
 public:
  virtual ~LossAggregation() = default;
  // per_token [B, T], mask [B, T] (the loss's dtype) -> scalar. max_completion_length is the L
  // of a constant normaliser; 0 takes T, the width of the batch.
  virtual torch::Tensor Reduce(const torch::Tensor& per_token, const torch::Tensor& mask,
                               int64_t max_completion_length) const = 0;
  virtual std::string Describe() const = 0;
};

using LossAggregationRegistry = Registry<LossAggregation>;
LossAggregationRegistry& LossAggregations();
void RegisterLossAggregations();  // safe to call more than once
// An unknown name fails listing the registered ones.
std::unique_ptr<LossAggregation> MakeLossAggregation(std::string_view spec);

}  // namespace rlab::rl
