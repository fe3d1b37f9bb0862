#include "rlab/rl/tabular/soft_value_iteration.h"

#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

SoftValueIterationResult SoftValueIteration(const torch::Tensor& transitions,
                                            const torch::Tensor& rewards, double gamma,
                                            const SoftValueIterationOptions& options) {
  const double tau = options.temperature;
  RLAB_CHECK(tau > 0.0, "soft value iteration: temperature ({}) must be positive", tau);
  envs::tabular::BellmanFixedPoint fixed_point = envs::tabular::IterateBellman(
      transitions, rewards, gamma,
      [tau](const torch::Tensor& q) { return tau * torch::logsumexp(q / tau, 1); },
      options.iteration, "soft value iteration");
  return {.values = fixed_point.values,
          .q_values = fixed_point.q_values,
          .policy = torch::softmax(fixed_point.q_values / tau, 1),
          .iterations = fixed_point.iterations,
          .residual = fixed_point.residual};
}

SoftValueIterationResult SoftValueIteration(const envs::tabular::FiniteMdp& mdp,
                                            const SoftValueIterationOptions& options) {
  return SoftValueIteration(mdp.transitions, mdp.rewards, mdp.gamma, options);
}

}  // namespace rlab::rl::tabular
