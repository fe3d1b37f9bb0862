// Value iteration: the optimal values V*, Q* and a greedy optimal policy of a finite MDP.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string_view>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::envs::tabular {

struct ValueIterationOptions {
  // Stops once max_s |V_{k+1}(s) - V_k(s)| <= tolerance; V is then within
  // gamma * tolerance / (1 - gamma) of V* in the max norm.
  double tolerance = 1e-12;
  int64_t max_iterations = 100000;  // throws rlab::Error when reached without converging
};

struct ValueIterationResult {
  torch::Tensor values;    // [S] V*
  torch::Tensor q_values;  // [S, A] Q*
  torch::Tensor policy;    // [S, A] deterministic greedy policy (one-hot rows)
  int64_t iterations = 0;
  double residual = 0.0;  // last max-norm change of V
};

// The loop value iteration shares with its variants (the entropy-regularised optimum): from
// V = 0, repeat Q = r + gamma P V and V = state_value(Q) until the max-norm change of V is at most
// options.tolerance. `state_value` maps Q [S, A] to V [S] (max over actions for value
// iteration). Checks its inputs; throws rlab::Error naming `what` when max_iterations pass.
struct BellmanFixedPoint {
  torch::Tensor values;    // [S]
  torch::Tensor q_values;  // [S, A] r + gamma P V at the fixed point
  int64_t iterations = 0;
  double residual = 0.0;  // last max-norm change of V
};
BellmanFixedPoint IterateBellman(
    const torch::Tensor& transitions, const torch::Tensor& rewards, double gamma,
    const std::function<torch::Tensor(const torch::Tensor&)>& state_value,
    const ValueIterationOptions& options, std::string_view what);

ValueIterationResult ValueIteration(const torch::Tensor& transitions, const torch::Tensor& rewards,
                                    double gamma, const ValueIterationOptions& options = {});
ValueIterationResult ValueIteration(const FiniteMdp& mdp,
                                    const ValueIterationOptions& options = {});

// The deterministic policy [S, A] that takes argmax_a q(s, a) in each state (ties go to the
// lowest action index); q [S, A].
torch::Tensor GreedyPolicy(const torch::Tensor& q_values);

}  // namespace rlab::envs::tabular
