// Paper: "Performative Reinforcement Learning", arXiv:2207.00046 (see performative_rl.h).
#include "rlab/rl/tabular/performative_rl.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/occupancy.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/occupancy_qp.h"

namespace rlab::rl::tabular {

namespace et = rlab::envs::tabular;

InducedEnvironment Respond(const PerformativeMdp& mdp, const torch::Tensor& occupancy) {
  const torch::Tensor state_occupancy = occupancy.sum(1);  // [S]
  const torch::Tensor logits =
      mdp.base_transitions.log() - mdp.transition_sensitivity * state_occupancy;  // [S, A, S]
  InducedEnvironment env;
  env.transitions = torch::softmax(logits, /*dim=*/2);  // zero rows of P0 stay zero
  env.rewards = mdp.base_rewards - mdp.reward_sensitivity * occupancy;
  return env;
}

double TransitionSensitivityBound(const PerformativeMdp& mdp) {
  const double s = static_cast<double>(mdp.base_transitions.size(0));
  const double a = static_cast<double>(mdp.base_transitions.size(1));
  return mdp.transition_sensitivity * std::sqrt(s * a) * std::sqrt(a) / 2.0;
}

double PaperRegularisationThreshold(const PerformativeMdp& mdp) {
  const double s = static_cast<double>(mdp.base_transitions.size(0));
  return 12.0 * std::pow(s, 1.5) *
         (2.0 * mdp.reward_sensitivity + 5.0 * s * TransitionSensitivityBound(mdp)) /
         std::pow(1.0 - mdp.gamma, 4);
}

torch::Tensor OptimalOccupancy(const PerformativeMdp& mdp, const InducedEnvironment& env,
                               double lambda) {
  RLAB_CHECK(lambda >= 0.0, "performative RL: lambda must be >= 0, got {}", lambda);
  if (lambda > 0.0) {
    return SolveOccupancyQp(env.transitions, mdp.initial, mdp.gamma, env.rewards, lambda).occupancy;
  }
  const torch::Tensor rewards = env.rewards.unsqueeze(2).expand_as(env.transitions);  // [S,A,S]
  const et::ValueIterationResult vi =
      et::ValueIteration(env.transitions, rewards.contiguous(), mdp.gamma);
  return et::StateActionOccupancy(env.transitions, mdp.initial, mdp.gamma, vi.policy);
}

RepeatedRetrainingResult RepeatedRetraining(const PerformativeMdp& mdp, double lambda,
                                            int64_t rounds) {
  RLAB_CHECK(rounds >= 1, "performative RL: rounds must be >= 1, got {}", rounds);
  const int64_t num_actions = mdp.base_transitions.size(1);
  torch::Tensor d =
      et::StateActionOccupancy(mdp.base_transitions, mdp.initial, mdp.gamma,
                               et::UniformPolicy(mdp.base_transitions.size(0), num_actions));
  RepeatedRetrainingResult result;
  torch::Tensor previous = d;
  for (int64_t t = 0; t < rounds; ++t) {
    const torch::Tensor next = OptimalOccupancy(mdp, Respond(mdp, d), lambda);
    result.steps.push_back((next - d).norm().item<double>());
    result.two_round_step = (next - previous).norm().item<double>();
    previous = d;
    d = next;
  }
  // The last policy deployed in the environment its occupancy induces, that environment frozen.
  const InducedEnvironment frozen = Respond(mdp, d);
  const torch::Tensor deployed =
      et::StateActionOccupancy(frozen.transitions, mdp.initial, mdp.gamma, PolicyOfOccupancy(d));
  // The optimum as its policy's occupancy, so that both satisfy the flow to rounding: the QP's
  // flow residual times its multipliers (of order lambda) would otherwise swamp the gap.
  const torch::Tensor best =
      et::StateActionOccupancy(frozen.transitions, mdp.initial, mdp.gamma,
                               PolicyOfOccupancy(OptimalOccupancy(mdp, frozen, lambda)));
  result.stability_gap = RegularisedObjective(frozen.rewards, best, lambda) -
                         RegularisedObjective(frozen.rewards, deployed, lambda);
  result.occupancy = d;
  return result;
}

double GeometricRate(const std::vector<double>& steps, double floor) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t t = 0; t < steps.size(); ++t) {
    if (!(steps[t] > floor)) continue;
    const double x = static_cast<double>(t);
    const double y = std::log(steps[t]);
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  if (n < 2) return 0.0;
  return std::exp((n * sxy - sx * sy) / (n * sxx - sx * sx));
}

}  // namespace rlab::rl::tabular
