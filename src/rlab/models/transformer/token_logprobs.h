// Log-probabilities of the tokens of a sequence under a causal language model, the quantity
// that SFT's loss, DPO's implicit reward and the RL objectives are all built from.
#pragma once

#include <torch/types.h>

namespace rlab::models {

// logits [B, T, V] of a forward pass over ids [B, T] -> [B, T-1], where entry t is
// log p(ids[:, t+1] | ids[:, <=t]).
torch::Tensor NextTokenLogProbs(const torch::Tensor& logits, const torch::Tensor& ids);

// The summed negative log-likelihood of the target tokens: token t (t >= 1) counts with
// weight loss_mask[:, t] ([B, T]; the first column is ignored). A scalar; divide by the
// number of target tokens for the mean.
torch::Tensor MaskedNllSum(const torch::Tensor& logits, const torch::Tensor& ids,
                           const torch::Tensor& loss_mask);

// Per row, the summed log-probability of its target tokens (the weights of MaskedNllSum):
// [B], the log-likelihood of each completion that DPO's implicit reward is built from.
torch::Tensor MaskedLogProbSums(const torch::Tensor& logits, const torch::Tensor& ids,
                                const torch::Tensor& loss_mask);

}  // namespace rlab::models
