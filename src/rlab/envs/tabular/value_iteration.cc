#include "rlab/envs/tabular/value_iteration.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/policy_evaluation.h"

namespace rlab::envs::tabular {

BellmanFixedPoint IterateBellman(
    const torch::Tensor& transitions, const torch::Tensor& rewards, double gamma,
    const std::function<torch::Tensor(const torch::Tensor&)>& state_value,
    const ValueIterationOptions& options, std::string_view what) {
  CheckTransitions(transitions);
  CheckRewards(rewards, transitions);
  CheckDiscount(gamma);
  RLAB_CHECK(options.tolerance > 0.0 && options.max_iterations > 0,
             "{} needs tolerance > 0 and max_iterations > 0, got {} and {}", what,
             options.tolerance, options.max_iterations);
  const torch::Tensor expected_reward = ExpectedReward(transitions, rewards);  // [S, A]
  BellmanFixedPoint result;
  torch::Tensor values = torch::zeros({transitions.size(0)}, torch::kDouble);  // [S]
  while (true) {
    const torch::Tensor q = expected_reward + gamma * torch::matmul(transitions, values);
    const torch::Tensor next = state_value(q);  // [S]
    result.residual = (next - values).abs().max().item<double>();
    values = next;
    ++result.iterations;
    if (result.residual <= options.tolerance) break;
    RLAB_CHECK(result.iterations < options.max_iterations,
               "{} did not converge in {} iterations (last change {}, tolerance {}); raise "
               "max_iterations or the tolerance",
               what, options.max_iterations, result.residual, options.tolerance);
  }
  result.values = values;
  result.q_values = expected_reward + gamma * torch::matmul(transitions, values);
  return result;
}

ValueIterationResult ValueIteration(const torch::Tensor& transitions, const torch::Tensor& rewards,
                                    double gamma, const ValueIterationOptions& options) {
  BellmanFixedPoint fixed_point = IterateBellman(
      transitions, rewards, gamma, [](const torch::Tensor& q) { return std::get<0>(q.max(1)); },
      options, "value iteration");
  return {.values = fixed_point.values,
          .q_values = fixed_point.q_values,
          .policy = GreedyPolicy(fixed_point.q_values),
          .iterations = fixed_point.iterations,
          .residual = fixed_point.residual};
}

ValueIterationResult ValueIteration(const FiniteMdp& mdp, const ValueIterationOptions& options) {
  return ValueIteration(mdp.transitions, mdp.rewards, mdp.gamma, options);
}

torch::Tensor GreedyPolicy(const torch::Tensor& q_values) {
  RLAB_CHECK(q_values.dim() == 2, "greedy policy needs Q as [S, A], got {} dims", q_values.dim());
  const torch::Tensor best = q_values.argmax(1);  // [S]
  return torch::one_hot(best, q_values.size(1)).to(torch::kDouble);
}

}  // namespace rlab::envs::tabular
