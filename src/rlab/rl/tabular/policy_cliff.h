// The policy cliff (Xu, "The Policy Cliff: A Theoretical Analysis of Reward-Policy Maps in Large
// Language Models", arXiv:2507.20150): the map from a reward to its optimal policy is
// discontinuous where optimal actions are not unique (an arbitrarily small change of the reward
// moves the argmax policy by a total variation of 1), and entropy regularisation makes it
// Lipschitz.
//
// The bound checked here. Let r(s, a) move by delta with ||delta||_inf <= eps. The soft Bellman
// operator (soft_value_iteration.h) is a gamma-contraction and log-sum-exp is 1-Lipschitz in the
// max norm, so ||Q_tau(r + delta) - Q_tau(r)||_inf <= eps / (1 - gamma). Along a path
// x_t = Q + t dQ in one state, d softmax(x / tau) / dt = (diag(pi) - pi pi^T) dQ / tau, whose
// half l1 norm is sum_a pi_a |dQ_a - E_pi dQ| / (2 tau): a mean absolute deviation, at most half
// the range of dQ, so at most ||dQ||_inf / (2 tau). Integrating,
//   max_s TV(pi_tau(. | s), pi'_tau(. | s)) <= eps / (2 tau (1 - gamma)),
// which for a bandit (one state, gamma = 0) is eps / (2 tau); two tied arms moved by (+eps, -eps)
// reach TV = tanh(eps / tau) / 2, so the bound is tight as eps / tau -> 0.
#pragma once

#include <torch/types.h>

#include "rlab/core/rng.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

// max_s 1/2 sum_a |p(a | s) - q(a | s)| for two policies [S, A].
double MaxStateTotalVariation(const torch::Tensor& p, const torch::Tensor& q);

// The bound above: eps / (2 tau (1 - gamma)) for ||delta r||_inf = reward_change.
double SoftPolicyChangeBound(double reward_change, double temperature, double gamma);

// The MDP with ties forced: in every state the action after an optimal one (cyclically) becomes
// a copy of it (same transitions and rewards). V* is unchanged and every state has at least two
// optimal actions. Needs at least two actions.
envs::tabular::FiniteMdp WithTiedOptimalActions(const envs::tabular::FiniteMdp& mdp);

// rewards [S, A, S'] + delta(s, a) on every s', delta i.i.d. uniform in [-epsilon, epsilon], so
// the expected reward r(s, a) moves by exactly delta(s, a).
struct RewardPerturbation {
  torch::Tensor rewards;    // [S, A, S']
  double sup_change = 0.0;  // max |delta(s, a)|
};
RewardPerturbation PerturbRewards(const torch::Tensor& rewards, double epsilon, Rng& rng);

}  // namespace rlab::rl::tabular
