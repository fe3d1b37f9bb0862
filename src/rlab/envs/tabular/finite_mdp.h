// A finite Markov decision process with explicit dynamics: every quantity is a double
// tensor, so values, occupancies and reward distances can be computed exactly.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string_view>

namespace rlab::envs::tabular {

struct FiniteMdp {
  torch::Tensor transitions;  // [S, A, S'] P(s' | s, a); every [s, a] row sums to 1
  torch::Tensor rewards;      // [S, A, S'] R(s, a, s')
  torch::Tensor initial;      // [S] initial-state distribution
  double gamma = 0.9;         // discount in [0, 1)

  int64_t num_states() const { return transitions.size(0); }
  int64_t num_actions() const { return transitions.size(1); }
  // Throws rlab::Error on wrong shapes or dtypes, rows that are not distributions, or gamma
  // outside [0, 1).
  void Validate() const;
};

// Tolerance on "sums to 1" for every distribution checked below.
inline constexpr double kDistributionTolerance = 1e-8;

// Checks shared by the tabular solvers and the reward distances; each throws rlab::Error
// naming `what` and the offending value.
void CheckDiscount(double gamma);
// [S, A, S'] double, non-negative, each [s, a] row sums to 1.
void CheckTransitions(const torch::Tensor& transitions);
// A reward tensor [S, A, S'] (S' == S), double and finite.
void CheckRewards(const torch::Tensor& rewards);
// ... and shaped like `transitions`.
void CheckRewards(const torch::Tensor& rewards, const torch::Tensor& transitions);
// A double tensor of `size` entries (-1: any), non-negative, summing to 1.
void CheckDistribution(std::string_view what, const torch::Tensor& dist, int64_t size);
// A stochastic policy [S, A]: double, non-negative, each row sums to 1.
void CheckPolicy(const torch::Tensor& policy, int64_t num_states, int64_t num_actions);

// R(s, a, s') + gamma phi(s') - phi(s) for rewards [S, A, S] and a potential phi [S]: potential
// shaping, which leaves the order of policies unchanged (Ng, Harada and Russell, "Policy
// invariance under reward transformations", ICML 1999).
torch::Tensor PotentialShaping(const torch::Tensor& rewards, const torch::Tensor& potential,
                               double gamma);

// The uniform policy [S, A].
torch::Tensor UniformPolicy(int64_t num_states, int64_t num_actions);

}  // namespace rlab::envs::tabular
