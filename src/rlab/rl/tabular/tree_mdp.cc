#include "rlab/rl/tabular/tree_mdp.h"

#include <torch/torch.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::rl::tabular {

namespace {

int64_t TreeLeafCount(int64_t branching, int64_t depth) {
  RLAB_CHECK(branching >= 2, "tree MDP: branching ({}) must be at least 2", branching);
  RLAB_CHECK(depth >= 1, "tree MDP: depth ({}) must be at least 1", depth);
  int64_t leaves = 1;
  for (int64_t level = 0; level < depth; ++level) {
    leaves *= branching;
    RLAB_CHECK(leaves <= kMaxTreeLeaves,
               "tree MDP: branching {} and depth {} give more than {} leaves; lower either",
               branching, depth, kMaxTreeLeaves);
  }
  return leaves;
}

void CheckTreePolicy(const TreeMdp& tree, const std::vector<double>& policy) {
  RLAB_CHECK(static_cast<int64_t>(policy.size()) == tree.NumInternal() * tree.branching,
             "tree policy has {} entries; the tree needs {} internal nodes x {} actions",
             policy.size(), tree.NumInternal(), tree.branching);
}

// Values of every node from the leaves up: a leaf's reward, and `internal_value(node, values)`
// for an internal node once all its children have theirs.
template <class InternalValue>
std::vector<double> BackwardTreeValues(const TreeMdp& tree, InternalValue&& internal_value) {
  std::vector<double> values(static_cast<size_t>(tree.NumNodes()), 0.0);
  for (int64_t node = tree.NumNodes() - 1; node >= 0; --node) {
    values[node] =
        tree.IsLeaf(node) ? (tree.IsCorrectLeaf(node) ? 1.0 : 0.0) : internal_value(node, values);
  }
  return values;
}

}  // namespace

int64_t TreeMdp::NumInternal() const { return (NumLeaves() - 1) / (branching - 1); }

bool TreeMdp::IsCorrectLeaf(int64_t node) const {
  return IsLeaf(node) && correct[static_cast<size_t>(node - NumInternal())] != 0;
}

int64_t TreeMdp::NumCorrect() const { return std::count(correct.begin(), correct.end(), 1); }

void TreeMdp::Validate() const {
  const int64_t leaves = TreeLeafCount(branching, depth);
  RLAB_CHECK(NumLeaves() == leaves,
             "tree MDP: {} leaf labels, but branching {} and depth {} need {}", NumLeaves(),
             branching, depth, leaves);
  for (uint8_t label : correct) {
    RLAB_CHECK(label <= 1, "tree MDP: leaf labels must be 0 or 1, got {}", label);
  }
}

TreeMdp MakeTreeMdp(const TreeMdpOptions& options) {
  RLAB_CHECK(options.density >= 0.0 && options.density <= 1.0,
             "tree MDP: density ({}) must be in [0, 1]", options.density);
  const int64_t leaves = TreeLeafCount(options.branching, options.depth);
  Rng rng(DeriveSeed(options.seed, "tree_mdp"));
  std::vector<uint8_t> correct(static_cast<size_t>(leaves));
  for (uint8_t& label : correct) label = rng.Bernoulli(options.density) ? 1 : 0;
  if (std::find(correct.begin(), correct.end(), 1) == correct.end()) {
    correct[static_cast<size_t>(rng.UniformInt(leaves))] = 1;
  }
  return TreeFromLeaves(options.branching, options.depth, std::move(correct));
}

TreeMdp TreeFromLeaves(int64_t branching, int64_t depth, std::vector<uint8_t> correct) {
  TreeMdp tree{.branching = branching, .depth = depth, .correct = std::move(correct)};
  tree.Validate();
  return tree;
}

envs::tabular::FiniteMdp TreeToFiniteMdp(const TreeMdp& tree, double gamma) {
  const int64_t n = tree.NumNodes();
  const int64_t b = tree.branching;
  auto transitions = torch::zeros({n, b, n}, torch::kDouble);  // [S, A, S']
  auto rewards = torch::zeros({n, b, n}, torch::kDouble);      // [S, A, S']
  auto p = transitions.accessor<double, 3>();
  auto r = rewards.accessor<double, 3>();
  for (int64_t s = 0; s < n; ++s) {
    for (int64_t a = 0; a < b; ++a) {
      const int64_t next = tree.IsLeaf(s) ? s : tree.Child(s, a);
      p[s][a][next] = 1.0;
      if (!tree.IsLeaf(s) && tree.IsCorrectLeaf(next)) r[s][a][next] = 1.0;
    }
  }
  auto initial = torch::zeros({n}, torch::kDouble);  // [S]
  initial[0] = 1.0;
  envs::tabular::FiniteMdp mdp{
      .transitions = transitions, .rewards = rewards, .initial = initial, .gamma = gamma};
  mdp.Validate();
  return mdp;
}

std::vector<double> PolicyValues(const TreeMdp& tree, const std::vector<double>& policy) {
  CheckTreePolicy(tree, policy);
  return BackwardTreeValues(tree, [&](int64_t node, const std::vector<double>& values) {
    double v = 0.0;
    for (int64_t a = 0; a < tree.branching; ++a) {
      v += policy[node * tree.branching + a] * values[tree.Child(node, a)];
    }
    return v;
  });
}

std::vector<double> UniformPolicyValues(const TreeMdp& tree) {
  const std::vector<double> uniform(static_cast<size_t>(tree.NumInternal() * tree.branching),
                                    1.0 / static_cast<double>(tree.branching));
  return PolicyValues(tree, uniform);
}

std::vector<double> OptimalValues(const TreeMdp& tree) {
  return BackwardTreeValues(tree, [&](int64_t node, const std::vector<double>& values) {
    double best = 0.0;
    for (int64_t a = 0; a < tree.branching; ++a) {
      best = std::max(best, values[tree.Child(node, a)]);
    }
    return best;
  });
}

std::vector<double> QFromNodeValues(const TreeMdp& tree, const std::vector<double>& values) {
  RLAB_CHECK(static_cast<int64_t>(values.size()) == tree.NumNodes(),
             "tree Q: {} node values for a tree of {} nodes", values.size(), tree.NumNodes());
  std::vector<double> q(static_cast<size_t>(tree.NumInternal() * tree.branching));
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    for (int64_t a = 0; a < tree.branching; ++a) {
      q[s * tree.branching + a] = values[tree.Child(s, a)];
    }
  }
  return q;
}

std::vector<double> ReachProbabilities(const TreeMdp& tree, const std::vector<double>& policy) {
  CheckTreePolicy(tree, policy);
  std::vector<double> reach(static_cast<size_t>(tree.NumNodes()), 0.0);
  reach[0] = 1.0;
  for (int64_t s = 0; s < tree.NumInternal(); ++s) {
    for (int64_t a = 0; a < tree.branching; ++a) {
      reach[tree.Child(s, a)] = reach[s] * policy[s * tree.branching + a];
    }
  }
  return reach;
}

std::vector<double> LeafDistribution(const TreeMdp& tree, const std::vector<double>& policy) {
  const std::vector<double> reach = ReachProbabilities(tree, policy);
  return {reach.begin() + tree.NumInternal(), reach.end()};
}

}  // namespace rlab::rl::tabular
