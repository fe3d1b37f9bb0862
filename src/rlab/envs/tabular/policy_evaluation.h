// Exact evaluation of a stochastic policy on a finite MDP: V^pi solves the linear system
// (I - gamma P_pi) V = r_pi.
#pragma once

#include <torch/types.h>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::envs::tabular {

// r(s, a) = sum_s' P(s' | s, a) R(s, a, s')   -> [S, A]
torch::Tensor ExpectedReward(const torch::Tensor& transitions, const torch::Tensor& rewards);

// P_pi(s, s') = sum_a pi(a | s) P(s' | s, a)   -> [S, S]
torch::Tensor PolicyTransitions(const torch::Tensor& transitions, const torch::Tensor& policy);

// Q(s, a) = r(s, a) + gamma sum_s' P(s' | s, a) V(s')   -> [S, A]; values [S].
torch::Tensor QFromValues(const torch::Tensor& transitions, const torch::Tensor& rewards,
                          const torch::Tensor& values, double gamma);

// V^pi [S] for a policy [S, A], by an exact linear solve.
torch::Tensor EvaluatePolicy(const torch::Tensor& transitions, const torch::Tensor& rewards,
                             double gamma, const torch::Tensor& policy);
torch::Tensor EvaluatePolicy(const FiniteMdp& mdp, const torch::Tensor& policy);

// J(pi) = sum_s mu0(s) V^pi(s): the expected discounted return from the initial distribution.
double ExpectedReturn(const torch::Tensor& transitions, const torch::Tensor& rewards,
                      const torch::Tensor& initial, double gamma, const torch::Tensor& policy);
double ExpectedReturn(const FiniteMdp& mdp, const torch::Tensor& policy);

}  // namespace rlab::envs::tabular
