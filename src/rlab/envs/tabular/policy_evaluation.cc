#include "rlab/envs/tabular/policy_evaluation.h"

#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::envs::tabular {

torch::Tensor ExpectedReward(const torch::Tensor& transitions, const torch::Tensor& rewards) {
  return (transitions * rewards).sum(2);  // [S, A]
}

torch::Tensor PolicyTransitions(const torch::Tensor& transitions, const torch::Tensor& policy) {
  return (policy.unsqueeze(2) * transitions).sum(1);  // [S, S]
}

torch::Tensor QFromValues(const torch::Tensor& transitions, const torch::Tensor& rewards,
                          const torch::Tensor& values, double gamma) {
  return ExpectedReward(transitions, rewards) + gamma * torch::matmul(transitions, values);
}

torch::Tensor EvaluatePolicy(const torch::Tensor& transitions, const torch::Tensor& rewards,
                             double gamma, const torch::Tensor& policy) {
  CheckTransitions(transitions);
  CheckRewards(rewards, transitions);
  CheckDiscount(gamma);
  const int64_t num_states = transitions.size(0);
  CheckPolicy(policy, num_states, transitions.size(1));
  const torch::Tensor r_pi = (policy * ExpectedReward(transitions, rewards)).sum(1);  // [S]
  const torch::Tensor system =
      torch::eye(num_states, torch::kDouble) - gamma * PolicyTransitions(transitions, policy);
  return torch::linalg::solve(system, r_pi.unsqueeze(1), /*left=*/true).squeeze(1);  // [S]
}

torch::Tensor EvaluatePolicy(const FiniteMdp& mdp, const torch::Tensor& policy) {
  return EvaluatePolicy(mdp.transitions, mdp.rewards, mdp.gamma, policy);
}

double ExpectedReturn(const torch::Tensor& transitions, const torch::Tensor& rewards,
                      const torch::Tensor& initial, double gamma, const torch::Tensor& policy) {
  CheckDistribution("initial-state distribution", initial, transitions.size(0));
  return torch::dot(initial, EvaluatePolicy(transitions, rewards, gamma, policy)).item<double>();
}

double ExpectedReturn(const FiniteMdp& mdp, const torch::Tensor& policy) {
  return ExpectedReturn(mdp.transitions, mdp.rewards, mdp.initial, mdp.gamma, policy);
}

}  // namespace rlab::envs::tabular
