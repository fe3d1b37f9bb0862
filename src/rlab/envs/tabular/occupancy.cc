#include "rlab/envs/tabular/occupancy.h"

#include <torch/torch.h>

#include "rlab/envs/tabular/policy_evaluation.h"

namespace rlab::envs::tabular {

torch::Tensor StateOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                             double gamma, const torch::Tensor& policy, bool normalise) {
  CheckTransitions(transitions);
  CheckDiscount(gamma);
  const int64_t num_states = transitions.size(0);
  CheckDistribution("initial-state distribution", initial, num_states);
  CheckPolicy(policy, num_states, transitions.size(1));
  // d^T = mu0^T + gamma d^T P_pi, i.e. (I - gamma P_pi)^T d = mu0.
  const torch::Tensor system =
      torch::eye(num_states, torch::kDouble) - gamma * PolicyTransitions(transitions, policy).t();
  torch::Tensor occupancy =
      torch::linalg::solve(system, initial.unsqueeze(1), /*left=*/true).squeeze(1);  // [S]
  return normalise ? occupancy * (1.0 - gamma) : occupancy;
}

torch::Tensor StateActionOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                                   double gamma, const torch::Tensor& policy, bool normalise) {
  return StateOccupancy(transitions, initial, gamma, policy, normalise).unsqueeze(1) * policy;
}

torch::Tensor TransitionOccupancy(const torch::Tensor& transitions, const torch::Tensor& initial,
                                  double gamma, const torch::Tensor& policy, bool normalise) {
  return StateActionOccupancy(transitions, initial, gamma, policy, normalise).unsqueeze(2) *
         transitions;
}

torch::Tensor StateOccupancy(const FiniteMdp& mdp, const torch::Tensor& policy, bool normalise) {
  return StateOccupancy(mdp.transitions, mdp.initial, mdp.gamma, policy, normalise);
}

torch::Tensor StateActionOccupancy(const FiniteMdp& mdp, const torch::Tensor& policy,
                                   bool normalise) {
  return StateActionOccupancy(mdp.transitions, mdp.initial, mdp.gamma, policy, normalise);
}

}  // namespace rlab::envs::tabular
