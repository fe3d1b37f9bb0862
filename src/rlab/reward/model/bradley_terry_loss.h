// The Bradley-Terry preference loss for reward models:
//   P(a > b) = sigmoid(r_a - r_b),   loss = -[y log P(a > b) + (1 - y) log P(b > a)]
// with y the probability that a is preferred (1, 0, or 0.5 for a tie). With y = 1 it is
// -log sigmoid(r_chosen - r_rejected) (Christiano et al., "Deep Reinforcement Learning from
// Human Preferences", arXiv:1706.03741; Bradley & Terry, Biometrika 1952).
#pragma once

#include <torch/types.h>

namespace rlab::reward {

// reward_a, reward_b, prefers_a: [B]. Returns the mean loss (a scalar).
torch::Tensor BradleyTerryLoss(const torch::Tensor& reward_a, const torch::Tensor& reward_b,
                               const torch::Tensor& prefers_a);

}  // namespace rlab::reward
