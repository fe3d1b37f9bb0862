#include "rlab/rl/tabular/soft_value_iteration.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/policy_evaluation.h"

namespace rlab::rl::tabular {

SoftValueIterationResult SoftValueIteration(const torch::Tensor& transitions,
                                            const torch::Tensor& rewards, double gamma,
                                            const SoftValueIterationOptions& options) {
  envs::tabular::CheckTransitions(transitions);
  envs::tabular::CheckRewards(rewards, transitions);
  envs::tabular::CheckDiscount(gamma);
  const double tau = options.temperature;
  RLAB_CHECK(tau > 0.0, "soft value iteration: temperature ({}) must be positive", tau);
  RLAB_CHECK(options.tolerance > 0.0 && options.max_iterations > 0,
             "soft value iteration needs tolerance > 0 and max_iterations > 0, got {} and {}",
             options.tolerance, options.max_iterations);
  const torch::Tensor expected_reward =
      envs::tabular::ExpectedReward(transitions, rewards);  // [S, A]
  SoftValueIterationResult result;
  torch::Tensor values = torch::zeros({transitions.size(0)}, torch::kDouble);  // [S]
  while (true) {
    const torch::Tensor q = expected_reward + gamma * torch::matmul(transitions, values);
    const torch::Tensor next = tau * torch::logsumexp(q / tau, 1);  // [S]
    result.residual = (next - values).abs().max().item<double>();
    values = next;
    ++result.iterations;
    if (result.residual <= options.tolerance) break;
    RLAB_CHECK(result.iterations < options.max_iterations,
               "soft value iteration did not converge in {} iterations (last change {}, "
               "tolerance {}); raise max_iterations or the tolerance",
               options.max_iterations, result.residual, options.tolerance);
  }
  result.values = values;
  result.q_values = expected_reward + gamma * torch::matmul(transitions, values);
  result.policy = torch::softmax(result.q_values / tau, 1);
  return result;
}

SoftValueIterationResult SoftValueIteration(const envs::tabular::FiniteMdp& mdp,
                                            const SoftValueIterationOptions& options) {
  return SoftValueIteration(mdp.transitions, mdp.rewards, mdp.gamma, options);
}

}  // namespace rlab::rl::tabular
