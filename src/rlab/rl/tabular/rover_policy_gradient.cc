#include "rlab/rl/tabular/rover_policy_gradient.h"

#include "rlab/core/check.h"
#include "rlab/rl/tabular/rover.h"

namespace rlab::rl::tabular {

TreePolicyGradientResult TreePolicyGradient(const TreeMdp& tree,
                                            const TreePolicyGradientOptions& options) {
  RLAB_CHECK(options.learning_rate > 0.0 && options.max_steps >= 1 && options.tolerance >= 0.0,
             "tree policy gradient: needs learning_rate > 0 ({}), max_steps >= 1 ({}) and "
             "tolerance >= 0 ({})",
             options.learning_rate, options.max_steps, options.tolerance);
  const int64_t b = tree.branching;
  std::vector<double> logits(static_cast<size_t>(tree.NumInternal() * b), 0.0);
  TreePolicyGradientResult result;
  while (true) {
    result.policy = SoftmaxTreePolicy(tree, logits, 1.0);
    const std::vector<double> values = PolicyValues(tree, result.policy);
    result.success = values[0];
    if (1.0 - result.success <= options.tolerance || result.steps >= options.max_steps) break;
    const std::vector<double> reach = ReachProbabilities(tree, result.policy);
    for (int64_t s = 0; s < tree.NumInternal(); ++s) {
      for (int64_t a = 0; a < b; ++a) {
        const double advantage = values[tree.Child(s, a)] - values[s];
        logits[s * b + a] +=
            options.learning_rate * reach[s] * result.policy[s * b + a] * advantage;
      }
    }
    ++result.steps;
  }
  return result;
}

}  // namespace rlab::rl::tabular
