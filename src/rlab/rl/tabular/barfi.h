// BARFI in a table: a bi-level search for a behaviour-alignment reward. The inner level plans
// on a learned blend of the primary reward and auxiliary rewards with a fixed budget; the outer
// level moves the blend's weights along the gradient of the PRIMARY return of the inner
// level's policy. Gupta, Chandak, Jordan, Thomas and da Silva, "Behavior Alignment via Reward
// Function Optimization", NeurIPS 2023, arXiv:2310.19007.
//
// Here the inner level is exact and deterministic: K soft Bellman backups from V = 0 and the
// softmax policy of the last Q (a planner stopped by its budget, so that a helpful auxiliary
// reward matters). The outer gradient is exact: automatic differentiation through the K
// unrolled backups and the exact linear-solve evaluation of the primary return (no implicit
// differentiation is needed, since the inner solution is an explicit function of the weights).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

struct BudgetedPlanner {
  int64_t iterations = 6;     // K soft Bellman backups from V = 0, K >= 1
  double temperature = 0.05;  // tau of V = tau logsumexp(Q / tau) and of the softmax policy
};

// softmax(Q_K / tau) [S, A] after K backups Q_k = r + gamma P V_{k-1}, V_k = tau logsumexp(Q_k
// / tau), V_0 = 0; differentiable in `rewards` [S, A, S].
torch::Tensor BudgetedSoftPolicy(const torch::Tensor& transitions, const torch::Tensor& rewards,
                                 double gamma, const BudgetedPlanner& planner);

// sum_k weights[k] channels[k]: channels [K, S, A, S], weights [K] -> [S, A, S].
torch::Tensor BlendRewards(const torch::Tensor& channels, const torch::Tensor& weights);

struct BarfiOptions {
  BudgetedPlanner planner;
  int64_t outer_steps = 100;
  double outer_step = 0.5;  // each step moves the weights by outer_step * g / max(1, |g|)
};

struct BarfiResult {
  torch::Tensor weights;                // [K] the last blend
  double primary_return = 0.0;          // of the last blend's policy
  std::vector<double> primary_returns;  // before each outer step
};

// `mdp` carries the dynamics and the PRIMARY reward; channels [K, S, A, S] the rewards to blend
// (the primary among them where wanted); initial_weights [K].
BarfiResult Barfi(const envs::tabular::FiniteMdp& mdp, const torch::Tensor& channels,
                  const torch::Tensor& initial_weights, const BarfiOptions& options);

// The primary return J_p(pi) of the policy that the planner draws from `rewards`.
double PrimaryReturnOfPlanner(const envs::tabular::FiniteMdp& mdp, const torch::Tensor& rewards,
                              const BudgetedPlanner& planner);

}  // namespace rlab::rl::tabular
