// Tabular rewards as RewardFns: a finite MDP's state s is the observation row [s] (D = 1) and
// its action a the action row [a] (A = 1), each index stored as a float. This lets the
// sample-based reward distances run on finite MDPs, where the exact ones are known.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "rlab/reward/signal/reward_fn.h"

namespace rlab::reward {

// R(s, a, s') looked up in a float64 table [S, A, S].
class TabularReward final : public RewardFn {
 public:
  explicit TabularReward(torch::Tensor rewards);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;
  const torch::Tensor& table() const { return rewards_; }

 private:
  torch::Tensor rewards_;  // [S, A, S]
};

// Phi(s) looked up in a table [S] (float64), for ShapedReward on tabular observations.
Potential TabularPotential(torch::Tensor table);

// The indices in rows [B, 1] of index-valued floats, as int64 [B]; throws unless each is a
// whole number in {0, ..., n - 1}.
torch::Tensor TabularIndices(const torch::Tensor& rows, int64_t n, const char* what);

// Evaluates a reward on every transition (s, a, s') of a finite MDP   -> float64 [S, A, S]
torch::Tensor TabulateReward(const RewardFn& reward, int64_t num_states, int64_t num_actions);

}  // namespace rlab::reward
