#include "rlab/rl/tabular/policy_cliff.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/value_iteration.h"

namespace rlab::rl::tabular {

double MaxStateTotalVariation(const torch::Tensor& p, const torch::Tensor& q) {
  RLAB_CHECK(p.dim() == 2 && p.sizes() == q.sizes(),
             "total variation needs two policies of one shape [S, A], got {} and {} dims", p.dim(),
             q.dim());
  return 0.5 * (p - q).abs().sum(1).max().item<double>();
}

double SoftPolicyChangeBound(double reward_change, double temperature, double gamma) {
  RLAB_CHECK(temperature > 0.0 && gamma >= 0.0 && gamma < 1.0,
             "soft policy bound needs temperature > 0 ({}) and gamma in [0, 1) ({})", temperature,
             gamma);
  return reward_change / (2.0 * temperature * (1.0 - gamma));
}

envs::tabular::FiniteMdp WithTiedOptimalActions(const envs::tabular::FiniteMdp& mdp) {
  mdp.Validate();
  const int64_t actions = mdp.num_actions();
  RLAB_CHECK(actions >= 2, "tied optimal actions need at least 2 actions, got {}", actions);
  const torch::Tensor best = envs::tabular::ValueIteration(mdp).q_values.argmax(1);  // [S]
  envs::tabular::FiniteMdp tied{.transitions = mdp.transitions.clone(),
                                .rewards = mdp.rewards.clone(),
                                .initial = mdp.initial,
                                .gamma = mdp.gamma};
  for (int64_t s = 0; s < mdp.num_states(); ++s) {
    const int64_t a = best[s].item<int64_t>();
    const int64_t twin = (a + 1) % actions;
    tied.transitions[s][twin] = mdp.transitions[s][a];
    tied.rewards[s][twin] = mdp.rewards[s][a];
  }
  return tied;
}

RewardPerturbation PerturbRewards(const torch::Tensor& rewards, double epsilon, Rng& rng) {
  envs::tabular::CheckRewards(rewards);
  RLAB_CHECK(epsilon >= 0.0, "reward perturbation: epsilon ({}) must be non-negative", epsilon);
  const int64_t states = rewards.size(0);
  const int64_t actions = rewards.size(1);
  auto delta = torch::zeros({states, actions}, torch::kDouble);  // [S, A]
  auto d = delta.accessor<double, 2>();
  RewardPerturbation result;
  for (int64_t s = 0; s < states; ++s) {
    for (int64_t a = 0; a < actions; ++a) {
      d[s][a] = rng.Uniform(-epsilon, epsilon);
      result.sup_change = std::max(result.sup_change, std::abs(d[s][a]));
    }
  }
  result.rewards = rewards + delta.unsqueeze(2);
  return result;
}

}  // namespace rlab::rl::tabular
