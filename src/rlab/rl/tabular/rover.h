// ROVER on tree MDPs (He et al., "Random Policy Valuation is Enough for LLM Reasoning with
// Verifiable Rewards", arXiv:2509.24981). In a deterministic tree with binary terminal rewards,
// Q of the uniform random policy at (s, a) is the fraction of correct leaves under the child
// Child(s, a), which is positive exactly when a correct leaf is reachable through it, so the
// greedy policy on it is optimal (the paper's Theorem 3.1); ROVER samples actions from a
// softmax over these Q-values instead, to keep several correct answers reachable.
//
// Q-values and policies here are in tree_mdp.h's layout: [NumInternal() * branching],
// row-major over the internal nodes.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/tree_mdp.h"

namespace rlab::rl::tabular {

// pi(a | s) = softmax_a(scores(s, a) / temperature); temperature > 0.
std::vector<double> SoftmaxTreePolicy(const TreeMdp& tree, const std::vector<double>& scores,
                                      double temperature);

// One-hot on argmax_a q(s, a) in each internal node (ties go to the lowest action).
std::vector<double> GreedyTreePolicy(const TreeMdp& tree, const std::vector<double>& q);

// Over the internal nodes from which a correct leaf is reachable, the fraction where the greedy
// action on q keeps a correct leaf reachable (so is optimal); 1 for Q of the uniform policy.
double GreedyOptimalFraction(const TreeMdp& tree, const std::vector<double>& q);

// Q of the uniform policy estimated by Monte Carlo from `rollouts` uniform random episodes from
// the root: at each (s, a), the share of the episodes through Child(s, a) that ended correct,
// and 0 where no episode passed (no evidence of a solution there).
std::vector<double> EstimateUniformQ(const TreeMdp& tree, int64_t rollouts, Rng& rng);

// What k independent episodes of a policy from the root find, computed exactly from its leaf
// distribution P(l).
struct TreeSolutionStats {
  double pass_at_1 = 0.0;  // J = sum over correct leaves of P(l)
  double pass_at_k = 0.0;  // 1 - (1 - J)^k
  // E[number of distinct correct leaves among k episodes] = sum_correct 1 - (1 - P(l))^k.
  double distinct_correct = 0.0;
  // Entropy (nats) of the correct leaf reached given success: P(l) / J over correct leaves.
  double correct_entropy = 0.0;
};
TreeSolutionStats SolutionStats(const TreeMdp& tree, const std::vector<double>& policy, int64_t k);

// The largest temperature in [kMinMatchedTemperature, kMaxMatchedTemperature] at which ROVER's
// softmax on q reaches pass@1 >= target_pass (bisection on log temperature, which assumes
// pass@1 falls as the temperature rises); the lower end when none does.
inline constexpr double kMinMatchedTemperature = 1e-4;
inline constexpr double kMaxMatchedTemperature = 10.0;
double TemperatureForPass(const TreeMdp& tree, const std::vector<double>& q, double target_pass);

}  // namespace rlab::rl::tabular
