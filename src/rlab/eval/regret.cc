#include "rlab/eval/regret.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/envs/tabular/policy_evaluation.h"

namespace rlab::eval {

namespace tabular = envs::tabular;

RegretResult ProxyRegret(const torch::Tensor& transitions, const torch::Tensor& initial,
                         double gamma, const torch::Tensor& true_rewards,
                         const torch::Tensor& proxy_rewards,
                         const tabular::ValueIterationOptions& options) {
  const auto returns = [&](const torch::Tensor& policy) {
    return tabular::ExpectedReturn(transitions, true_rewards, initial, gamma, policy);
  };
  const tabular::ValueIterationResult best =
      tabular::ValueIteration(transitions, true_rewards, gamma, options);
  const tabular::ValueIterationResult worst =
      tabular::ValueIteration(transitions, -true_rewards, gamma, options);
  RegretResult result;
  result.proxy_policy = tabular::ValueIteration(transitions, proxy_rewards, gamma, options).policy;
  result.best_return = returns(best.policy);
  result.worst_return = returns(worst.policy);
  result.proxy_return = returns(result.proxy_policy);
  // Value iteration stops near, not at, the optimum: clamp the rounding below 0.
  result.regret = std::max(result.best_return - result.proxy_return, 0.0);
  const double range = result.best_return - result.worst_return;
  const double scale = std::max(std::abs(result.best_return), std::abs(result.worst_return));
  result.normalised_regret = range > 1e-12 * scale ? std::min(result.regret / range, 1.0) : 0.0;
  return result;
}

}  // namespace rlab::eval
