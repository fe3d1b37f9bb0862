// The token-level clipped policy loss of critic-free RL for language models (GRPO and its
// descendants), as plain tensor arithmetic a trainer calls once per minibatch. For each
// completion token t of sequence b, with the importance ratio rho = exp(logp - old_logp) and
// the advantage A (one per sequence, or per token):
//   l_bt = -min(rho A, clip(rho, 1 - eps_low, 1 + eps_high) A) + beta * KL_bt
// the clipped surrogate of PPO (Schulman et al., arXiv:1707.06347) as GRPO applies it per
// token (Shao et al., "DeepSeekMath", arXiv:2402.03300), with DAPO's decoupled "clip-higher"
// bounds eps_low < eps_high (Yu et al., "DAPO: An Open-Source LLM Reinforcement Learning
// System at Scale", arXiv:2503.14476), and GRPO's KL term to the reference policy, KL_bt the
// k3 estimator of reward/signal/kl_estimators.h by default. The loss is aggregated over the mask of
// completion tokens m_bt by an entry of the loss-aggregation registry (rl/loss_aggregations.h:
// grpo, dr_grpo, dapo, TRL's loss_type names).
// Entropy needs the logits and is left to the caller.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rlab/reward/signal/kl_estimators.h"

namespace rlab::rl {

struct PolicyLossSettings {
  double epsilon_low = 0.2;
  double epsilon_high = 0.2;  // DAPO uses 0.28
  double beta = 0.0;          // KL coefficient; > 0 needs ref_logp (DeepSeekMath used 0.04)
  reward::KlEstimator kl_estimator = reward::KlEstimator::kK3;
  std::string aggregation = "dapo";   // a spec of the loss-aggregation registry
  int64_t max_completion_length = 0;  // L of a constant normaliser; 0 takes T, the batch width
  void Validate() const;
};

struct PolicyLossInputs {
  torch::Tensor logp;        // [B, T] log pi(y_t) under the policy being trained (with grad)
  torch::Tensor old_logp;    // [B, T] under the policy that sampled the completions
  torch::Tensor advantages;  // [B] or [B, T]
  torch::Tensor mask;        // [B, T] 1 (or true) on completion tokens, 0 on prompt / padding
  torch::Tensor ref_logp;    // [B, T] under the reference policy; may be undefined
};

struct PolicyLossOutput {
  torch::Tensor loss;  // scalar, differentiable in logp
  // Token means over the mask, as TRL logs them: the share of tokens whose ratio is clipped
  // where that removes the gradient, below 1 - eps_low with A < 0 ("low") or above
  // 1 + eps_high with A > 0 ("high"), and their sum.
  double clip_ratio = 0, clip_ratio_low = 0, clip_ratio_high = 0;
  std::optional<double> kl;  // mean per-token KL to the reference, where ref_logp is given
  double approx_kl = 0;      // mean per-token k3 between the old and the current policy
};

PolicyLossOutput PolicyGradientLoss(const PolicyLossInputs& inputs,
                                    const PolicyLossSettings& settings);

}  // namespace rlab::rl
