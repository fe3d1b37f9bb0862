// Soft (entropy-regularised) value iteration: the optimum of
//   J_tau(pi) = E[sum_t gamma^t (R(s_t, a_t, s_t+1) + tau H(pi(. | s_t)))]
// on a finite MDP, the fixed point of
//   Q(s, a) = r(s, a) + gamma sum_s' P(s' | s, a) V(s'),   V(s) = tau log sum_a exp(Q(s, a) / tau),
// whose optimal policy is pi_tau(a | s) = softmax_a(Q(s, a) / tau) = exp((Q(s, a) - V(s)) / tau)
// (Haarnoja et al., "Reinforcement Learning with Deep Energy-Based Policies", arXiv:1702.08165).
// As tau -> 0 it tends to value iteration's V*; the soft Bellman operator is a gamma-contraction
// in the max norm for every tau > 0.
#pragma once

#include <torch/types.h>

#include <cstdint>

#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"

namespace rlab::rl::tabular {

struct SoftValueIterationOptions {
  double temperature = 1.0;  // tau > 0
  // Tolerance and iteration limit, as value iteration's.
  envs::tabular::ValueIterationOptions iteration;
};

struct SoftValueIterationResult {
  torch::Tensor values;    // [S] V_tau
  torch::Tensor q_values;  // [S, A] Q_tau
  torch::Tensor policy;    // [S, A] softmax(Q_tau / tau), rows sum to 1
  int64_t iterations = 0;
  double residual = 0.0;  // last max-norm change of V
};

SoftValueIterationResult SoftValueIteration(const torch::Tensor& transitions,
                                            const torch::Tensor& rewards, double gamma,
                                            const SoftValueIterationOptions& options = {});
SoftValueIterationResult SoftValueIteration(const envs::tabular::FiniteMdp& mdp,
                                            const SoftValueIterationOptions& options = {});

}  // namespace rlab::rl::tabular
