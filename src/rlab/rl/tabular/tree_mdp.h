// A deterministic tree-structured MDP with binary terminal rewards, the setting of
// (He et al., "Random Policy Valuation is Enough for LLM Reasoning with Verifiable Rewards",
// arXiv:2509.24981): a complete tree of `branching` actions per state and `depth` steps, each
// action moving to one child; an episode ends at a leaf, which earns reward 1 when it is
// correct and 0 otherwise (a response and its verifier). With no discount, the value of a
// policy at a node is the probability that it ends at a correct leaf from there.
//
// Layout. Nodes are numbered level by level: the root is 0 and the child of node n under action
// a is n * branching + 1 + a. The first NumInternal() nodes are the decision states, the
// NumLeaves() nodes after them the leaves; leaf l (0-based, left to right) is node
// NumInternal() + l.
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::rl::tabular {

struct TreeMdpOptions {
  int64_t branching = 4;  // >= 2
  int64_t depth = 6;      // >= 1; branching^depth leaves, at most kMaxTreeLeaves
  double density = 0.05;  // probability that a leaf is correct, in [0, 1]
  uint64_t seed = 0;
};

inline constexpr int64_t kMaxTreeLeaves = int64_t{1} << 22;

struct TreeMdp {
  int64_t branching = 2;
  int64_t depth = 1;
  std::vector<uint8_t> correct;  // [NumLeaves()] 1 where the leaf earns reward 1

  int64_t NumLeaves() const { return static_cast<int64_t>(correct.size()); }
  int64_t NumInternal() const;  // (branching^depth - 1) / (branching - 1)
  int64_t NumNodes() const { return NumInternal() + NumLeaves(); }
  int64_t Child(int64_t node, int64_t action) const { return node * branching + 1 + action; }
  bool IsLeaf(int64_t node) const { return node >= NumInternal(); }
  bool IsCorrectLeaf(int64_t node) const;
  int64_t NumCorrect() const;
  // Throws rlab::Error when the sizes do not form a complete tree.
  void Validate() const;
};

// Each leaf is correct independently with probability `density`; when no leaf is drawn
// correct, one leaf chosen uniformly is made correct so that the task has a solution.
// Deterministic per options.
TreeMdp MakeTreeMdp(const TreeMdpOptions& options);

// A tree from its leaves' labels (for hand-built cases); the count must be branching^depth.
TreeMdp TreeFromLeaves(int64_t branching, int64_t depth, std::vector<uint8_t> correct);

// The tree as a FiniteMdp over all nodes (for the general solvers): leaves are absorbing with
// reward 0, the step into a correct leaf earns 1, the episode starts at the root. A discount
// below 1 scales every value by the same power per depth, so it keeps the order of actions.
envs::tabular::FiniteMdp TreeToFiniteMdp(const TreeMdp& tree, double gamma);

// Values of every node [NumNodes()] (leaves: 1 if correct, else 0) under:
// the uniform random policy, V(n) = mean of V over n's children;
std::vector<double> UniformPolicyValues(const TreeMdp& tree);
// the optimal policy, V(n) = max over children (1 exactly when a correct leaf is reachable).
std::vector<double> OptimalValues(const TreeMdp& tree);

// Q(s, a) = V(Child(s, a)) for the internal nodes: [NumInternal() * branching], row-major.
std::vector<double> QFromNodeValues(const TreeMdp& tree, const std::vector<double>& values);

// A stochastic policy over the tree's internal nodes is [NumInternal() * branching] row-major,
// each row a distribution over the children. Returns the probability that an episode from the
// root ends at each leaf: [NumLeaves()].
std::vector<double> LeafDistribution(const TreeMdp& tree, const std::vector<double>& policy);

// The probability of reaching each node from the root under `policy`: [NumNodes()].
std::vector<double> ReachProbabilities(const TreeMdp& tree, const std::vector<double>& policy);

// V^pi of every node [NumNodes()] by backward induction (leaves: their reward).
std::vector<double> PolicyValues(const TreeMdp& tree, const std::vector<double>& policy);

}  // namespace rlab::rl::tabular
