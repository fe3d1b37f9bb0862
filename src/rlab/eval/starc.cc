#include "rlab/eval/starc.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/eval/epic.h"

namespace rlab::eval {

namespace tabular = envs::tabular;

namespace {

torch::Tensor PolicyOrUniform(const StarcOptions& options) {
  RLAB_CHECK(options.transitions.defined(),
             "STARC value-adjusted levelling needs the transitions P [S, A, S]; set "
             "StarcOptions::transitions");
  const int64_t num_states = options.transitions.size(0);
  const int64_t num_actions = options.transitions.size(1);
  if (!options.policy.defined()) return tabular::UniformPolicy(num_states, num_actions);
  return options.policy;
}

}  // namespace

torch::Tensor ValueAdjustedLevelling(const torch::Tensor& rewards, const torch::Tensor& transitions,
                                     double gamma, const torch::Tensor& policy) {
  const torch::Tensor values = tabular::EvaluatePolicy(transitions, rewards, gamma, policy);
  const torch::Tensor advantage =
      tabular::QFromValues(transitions, rewards, values, gamma) - values.unsqueeze(1);  // [S, A]
  // Constant in s': [S, A] -> [S, A, S].
  return advantage.unsqueeze(2).expand_as(rewards).contiguous();
}

torch::Tensor StarcCanonicalise(const torch::Tensor& rewards, const StarcOptions& options) {
  switch (options.canonicalisation) {
    case StarcCanonicalisation::kEpic:
      return EpicCanonicalise(rewards, {.gamma = options.gamma,
                                        .state_dist = options.state_dist,
                                        .action_dist = options.action_dist});
    case StarcCanonicalisation::kValueAdjustedLevelling:
      return ValueAdjustedLevelling(rewards, options.transitions, options.gamma,
                                    PolicyOrUniform(options));
    case StarcCanonicalisation::kValueAdjustedLevellingPointwise: {
      const torch::Tensor values = tabular::EvaluatePolicy(options.transitions, rewards,
                                                           options.gamma, PolicyOrUniform(options));
      return rewards - values.view({-1, 1, 1}) + options.gamma * values.view({1, 1, -1});
    }
  }
  RLAB_FAIL("unknown STARC canonicalisation {}", static_cast<int>(options.canonicalisation));
}

double StarcNorm(const torch::Tensor& x, const StarcOptions& options) {
  if (!options.norm_weights.defined()) return std::sqrt((x * x).sum().item<double>());
  RLAB_CHECK(options.norm_weights.sizes() == x.sizes(),
             "STARC norm weights must be shaped like the rewards {}, got {}", x.sizes(),
             options.norm_weights.sizes());
  tabular::CheckDistribution("STARC norm weights", options.norm_weights.reshape({-1}), -1);
  return std::sqrt((options.norm_weights * x * x).sum().item<double>());
}

torch::Tensor StarcStandardise(const torch::Tensor& rewards, const StarcOptions& options) {
  const torch::Tensor canonical = StarcCanonicalise(rewards, options);  // [S, A, S]
  const double norm = StarcNorm(canonical, options);
  // Rounding leaves ~1e-16 * |R| / (1 - gamma) where c(R) is exactly 0 (e.g. R a pure
  // potential shaping): treat that as 0.
  if (norm <= 1e-12 * rewards.abs().max().item<double>()) return torch::zeros_like(canonical);
  return canonical / norm;
}

double StarcDistance(const torch::Tensor& rewards1, const torch::Tensor& rewards2,
                     const StarcOptions& options) {
  RLAB_CHECK(rewards1.sizes() == rewards2.sizes(),
             "STARC needs rewards of one shape, got {} and {}", rewards1.sizes(), rewards2.sizes());
  return 0.5 * StarcNorm(StarcStandardise(rewards1, options) - StarcStandardise(rewards2, options),
                         options);
}

}  // namespace rlab::eval
