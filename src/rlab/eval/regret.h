// Regret of optimising a proxy reward, measured under a true reward, on a finite MDP.
//
// With J_R(pi) the expected discounted return from the initial distribution:
//   regret            = J_R1(pi*_R1) - J_R1(pi*_R2)
//   normalised regret = regret / (J_R1(pi*_R1) - J_R1(pi_worst_R1))   in [0, 1]
// where pi*_R is the greedy optimal policy of value iteration (ties go to the lowest action)
// and pi_worst_R1 minimises J_R1. The normalised regret is 0 when every policy has the same
// return under R1.
#pragma once

#include <torch/types.h>

#include "rlab/envs/tabular/value_iteration.h"

namespace rlab::eval {

struct RegretResult {
  double best_return = 0.0;   // J_R1(pi*_R1)
  double proxy_return = 0.0;  // J_R1(pi*_R2)
  double worst_return = 0.0;  // J_R1(pi_worst_R1)
  double regret = 0.0;
  double normalised_regret = 0.0;
  torch::Tensor proxy_policy;  // [S, A] pi*_R2
};

// true_rewards R1 and proxy_rewards R2 [S, A, S] on transitions [S, A, S] with initial [S].
RegretResult ProxyRegret(const torch::Tensor& transitions, const torch::Tensor& initial,
                         double gamma, const torch::Tensor& true_rewards,
                         const torch::Tensor& proxy_rewards,
                         const envs::tabular::ValueIterationOptions& options = {});

}  // namespace rlab::eval
