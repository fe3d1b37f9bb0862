// The critic side of PPO for language models, as the RLHF recipe uses it (Ouyang et al.,
// "Training language models to follow instructions with human feedback", arXiv:2203.02155;
// the details follow TRL's PPOTrainer and Huang et al., "The N+ Implementation Details of
// RLHF with PPO", arXiv:2403.17031): a value head on a transformer backbone predicts, before
// each completion token, the return of the rest of the completion; the per-token reward is
// the KL penalty -beta * KL_t on every token plus the sequence's score on its last token;
// advantages come from GAE (Schulman et al., arXiv:1506.02438) over the completion's tokens
// and are whitened over the batch; the critic regresses on the returns with PPO's clipped
// value loss. The policy side is rl/policy_gradient_loss.h with per-token advantages.
#pragma once

#include <torch/types.h>

#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/sequence_reward_model.h"

namespace rlab::rl {

// V(prompt, completion[<t]) for every completion token t: [B, N], 0 where out.mask is 0. The
// critic is a SequenceRewardModel whose `score` head is read at every position instead of
// the last one. Runs with gradients when the caller has them enabled.
torch::Tensor CompletionValues(models::SequenceRewardModel& critic,
                               const models::GenerationOutput& out);

// Per-token rewards [B, N]: `token_penalty` [B, N] (e.g. -beta * KL_t; may be undefined for
// none) plus `score` [B] added on each row's last completion token (mask [B, N], each row's
// completion tokens a prefix of it).
torch::Tensor TokenRewards(const torch::Tensor& score, const torch::Tensor& mask,
                           const torch::Tensor& token_penalty = torch::Tensor());

struct TokenGae {
  torch::Tensor advantages;  // [B, N], 0 where masked
  torch::Tensor returns;     // [B, N] advantages + values
};

// GAE over each row's completion tokens: nothing is bootstrapped past a row's last token.
TokenGae ComputeTokenGae(const torch::Tensor& rewards, const torch::Tensor& values,
                         const torch::Tensor& mask, double gamma, double lambda);

// (x - mean) / (std + 1e-8) with mean and (unbiased) std over the masked entries; 0 elsewhere.
torch::Tensor WhitenMasked(const torch::Tensor& x, const torch::Tensor& mask);

// PPO's clipped value loss, 0.5 * masked mean of max((V - R)^2, (V_clip - R)^2) with
// V_clip = V_old + clip(V - V_old, -clip, clip); clip <= 0 turns clipping off.
torch::Tensor ClippedValueLoss(const torch::Tensor& values, const torch::Tensor& old_values,
                               const torch::Tensor& returns, const torch::Tensor& mask,
                               double clip);

}  // namespace rlab::rl
