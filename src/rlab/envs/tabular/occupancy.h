// Discounted occupancy measures of a policy:
//   d(s)        = sum_t gamma^t Pr(s_t = s)            (sums to 1 / (1 - gamma))
//   d(s, a)     = d(s) pi(a | s)
//   d(s, a, s') = d(s, a) P(s' | s, a)
// With `normalise`, each is multiplied by (1 - gamma) and so is a probability distribution.
// J(pi) = sum d(s, a, s') R(s, a, s') for the unnormalised measure.
#pragma once

#include <torch/types.h>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::envs::tabular {

// [S]: solves (I - gamma P_pi^T) d = mu0.
torch::Tensor StateOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                             double gamma, const torch::Tensor& policy, bool normalise = false);
// [S, A]
torch::Tensor StateActionOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                                   double gamma, const torch::Tensor& policy,
                                   bool normalise = false);
// [S, A, S']
torch::Tensor TransitionOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                                  double gamma, const torch::Tensor& policy,
                                  bool normalise = false);

torch::Tensor StateOccupancy(const FiniteMdp& mdp, const torch::Tensor& policy,
                             bool normalise = false);
torch::Tensor StateActionOccupancy(const FiniteMdp& mdp, const torch::Tensor& policy,
                                   bool normalise = false);

}  // namespace rlab::envs::tabular
