// Random smooth functions for reward-distance experiments: a random reward over transitions
// and a random potential over observations, each fixed by a seed.
//
// Both are random quadratic features f(x) = sum_k w_k (u_k . x + b_k)^2 / K, with u_k, b_k
// and w_k independent standard normals drawn from rlab::Rng, computed in float64 (so a
// potential takes bit-identical values wherever it is evaluated, and shaping cancels exactly
// in EPIC's canonicalisation). Polynomial rather than tanh features keep the millions of
// evaluations of a sampled EPIC distance cheap.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "rlab/reward/signal/reward_fn.h"

namespace rlab::reward {

class RandomQuadratic {
 public:
  RandomQuadratic(int64_t in_dim, uint64_t seed, int64_t features = 8);
  torch::Tensor operator()(const torch::Tensor& x) const;  // [B, in_dim] -> float64 [B]
  int64_t in_dim() const { return in_dim_; }

 private:
  int64_t in_dim_;
  torch::Tensor projection_;  // [in_dim, K]
  torch::Tensor offset_;      // [K]
  torch::Tensor weight_;      // [K]
};

// Independent standard normals (float64) of the given shape from the named stream of a seed.
torch::Tensor RandomNormalTable(uint64_t seed, std::string_view stream, std::vector<int64_t> shape);

// A random reward of (obs, action, next_obs): RandomQuadratic over [s, a, s'] (2D + A inputs).
RewardPtr RandomReward(int64_t obs_dim, int64_t action_dim, uint64_t seed);

// A random potential of obs [B, D] times `scale`.
Potential RandomPotential(int64_t obs_dim, uint64_t seed, double scale = 1.0);

}  // namespace rlab::reward
