// The reward-maximising baseline of ROVER's study (He et al., "Random Policy Valuation is Enough
// for LLM Reasoning with Verifiable Rewards", arXiv:2509.24981): a tabular softmax policy
// pi(a | s) = softmax(theta(s, .)) on a tree MDP, trained by gradient ascent on its success
// probability J with exact gradients and no entropy term,
//   dJ / dtheta(s, a) = Pr_pi(reach s) pi(a | s) (V^pi(Child(s, a)) - V^pi(s)),
// from the uniform policy (theta = 0), as the policy-gradient methods the paper compares with
// (PPO, GRPO) do in expectation without their clipping and sampling.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/rl/tabular/tree_mdp.h"

namespace rlab::rl::tabular {

struct TreePolicyGradientOptions {
  double learning_rate = 10.0;  // > 0
  int64_t max_steps = 100000;   // >= 1
  double tolerance = 1e-4;      // stops once 1 - J <= tolerance (converged)
};

struct TreePolicyGradientResult {
  std::vector<double> policy;  // [NumInternal() * branching]
  int64_t steps = 0;           // gradient steps taken
  double success = 0.0;        // J of the final policy
};

TreePolicyGradientResult TreePolicyGradient(const TreeMdp& tree,
                                            const TreePolicyGradientOptions& options);

}  // namespace rlab::rl::tabular
