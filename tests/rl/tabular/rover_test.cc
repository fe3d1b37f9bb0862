// ROVER on tree MDPs: Q of the uniform policy is the fraction of correct leaves under each
// child, the greedy policy on it is optimal wherever a correct leaf is reachable (checked
// against value iteration), and the exact pass@k and diversity figures on a hand-built tree.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/rover.h"
#include "rlab/rl/tabular/rover_policy_gradient.h"
#include "rlab/rl/tabular/tree_mdp.h"

namespace rlab::rl::tabular {
namespace {

constexpr double kRoverExactScale = 1e-12;

// Branching 3, depth 2. Leaves under the root's children: {1, 0, 0}, {1, 1, 0}, {0, 0, 0}.
TreeMdp HandBuiltRoverTree() { return TreeFromLeaves(3, 2, {1, 0, 0, 1, 1, 0, 0, 0, 0}); }

// Fraction of correct leaves under `node`, by walking to its leftmost leaf: the subtree's
// leaves are the next branching^(levels below node) leaves.
double CorrectShareUnder(const TreeMdp& tree, int64_t node) {
  int64_t count = 1;
  while (!tree.IsLeaf(node)) {
    node = tree.Child(node, 0);
    count *= tree.branching;
  }
  const int64_t first = node - tree.NumInternal();
  int64_t correct = 0;
  for (int64_t l = first; l < first + count; ++l) correct += tree.correct[l];
  return static_cast<double>(correct) / static_cast<double>(count);
}

TEST(RoverTree, UniformQIsTheShareOfCorrectLeavesUnderEachChild) {
  const TreeMdp tree = HandBuiltRoverTree();
  const std::vector<double> q = QFromNodeValues(tree, UniformPolicyValues(tree));
  const std::vector<double> want = {1.0 / 3, 2.0 / 3, 0.0,   // root
                                    1.0,     0.0,     0.0,   // node 1
                                    1.0,     1.0,     0.0,   // node 2
                                    0.0,     0.0,     0.0};  // node 3
  ASSERT_EQ(q.size(), want.size());
  for (size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], want[i], kRoverExactScale) << i;

  const TreeMdp random = MakeTreeMdp({.branching = 3, .depth = 4, .density = 0.3, .seed = 7});
  const std::vector<double> random_q = QFromNodeValues(random, UniformPolicyValues(random));
  for (int64_t s = 0; s < random.NumInternal(); ++s) {
    for (int64_t a = 0; a < random.branching; ++a) {
      EXPECT_NEAR(random_q[s * 3 + a], CorrectShareUnder(random, random.Child(s, a)),
                  kRoverExactScale);
    }
  }
}

TEST(RoverTree, UniformValuesMatchExactPolicyEvaluationOfTheFiniteMdp) {
  const TreeMdp tree = MakeTreeMdp({.branching = 2, .depth = 4, .density = 0.4, .seed = 3});
  const double gamma = 0.9;
  const envs::tabular::FiniteMdp mdp = TreeToFiniteMdp(tree, gamma);
  const torch::Tensor uniform = envs::tabular::UniformPolicy(mdp.num_states(), 2);
  const double root = envs::tabular::EvaluatePolicy(mdp, uniform)[0].item<double>();
  // The reward comes on the step into a leaf, depth - 1 discounts after the first step.
  EXPECT_NEAR(root, std::pow(gamma, tree.depth - 1) * UniformPolicyValues(tree)[0],
              kRoverExactScale);
}

// The paper's Theorem 3.1, checked against value iteration on random trees.
TEST(RoverTree, GreedyOnUniformQIsOptimalWhereverACorrectLeafIsReachable) {
  for (uint64_t seed = 0; seed < 12; ++seed) {
    const TreeMdp tree = MakeTreeMdp({.branching = 2 + static_cast<int64_t>(seed % 2),
                                      .depth = 2 + static_cast<int64_t>(seed % 3),
                                      .density = 0.05 + 0.05 * static_cast<double>(seed % 4),
                                      .seed = seed});
    const envs::tabular::ValueIterationResult vi =
        envs::tabular::ValueIteration(TreeToFiniteMdp(tree, 0.9));
    const std::vector<double> q = QFromNodeValues(tree, UniformPolicyValues(tree));
    const std::vector<double> greedy = GreedyTreePolicy(tree, q);
    const std::vector<double> optimal = OptimalValues(tree);
    const auto q_star = vi.q_values.accessor<double, 2>();
    for (int64_t s = 0; s < tree.NumInternal(); ++s) {
      EXPECT_EQ(vi.values[s].item<double>() > 0.0, optimal[s] > 0.0) << "seed " << seed;
      if (optimal[s] <= 0.0) continue;
      double best = 0.0;
      for (int64_t a = 0; a < tree.branching; ++a) best = std::max(best, q_star[s][a]);
      for (int64_t a = 0; a < tree.branching; ++a) {
        if (greedy[s * tree.branching + a] == 1.0) {
          EXPECT_GE(q_star[s][a], best - kRoverExactScale) << "seed " << seed << " state " << s;
        }
      }
    }
    EXPECT_EQ(GreedyOptimalFraction(tree, q), 1.0);
  }
}

TEST(RoverTree, SolutionStatsOfUniformAndGreedyPoliciesHaveClosedForms) {
  const TreeMdp tree = HandBuiltRoverTree();
  const int64_t k = 4;
  const std::vector<double> uniform(12, 1.0 / 3);
  const TreeSolutionStats u = SolutionStats(tree, uniform, k);
  EXPECT_NEAR(u.pass_at_1, 1.0 / 3, kRoverExactScale);
  EXPECT_NEAR(u.pass_at_k, 1.0 - std::pow(2.0 / 3, k), kRoverExactScale);
  EXPECT_NEAR(u.distinct_correct, 3.0 * (1.0 - std::pow(8.0 / 9, k)), kRoverExactScale);
  EXPECT_NEAR(u.correct_entropy, std::log(3.0), kRoverExactScale);

  const std::vector<double> q = QFromNodeValues(tree, UniformPolicyValues(tree));
  const TreeSolutionStats g = SolutionStats(tree, GreedyTreePolicy(tree, q), k);
  EXPECT_EQ(g.pass_at_1, 1.0);
  EXPECT_EQ(g.pass_at_k, 1.0);
  EXPECT_EQ(g.distinct_correct, 1.0);
  EXPECT_EQ(g.correct_entropy, 0.0);

  // ROVER at temperature 1 in the root: softmax of (1/3, 2/3, 0).
  const std::vector<double> rover = SoftmaxTreePolicy(tree, q, 1.0);
  const double z = std::exp(1.0 / 3) + std::exp(2.0 / 3) + 1.0;
  EXPECT_NEAR(rover[1], std::exp(2.0 / 3) / z, kRoverExactScale);
}

TEST(RoverTree, MatchedTemperatureIsTheLargestThatReachesTheTargetPass) {
  const TreeMdp tree = MakeTreeMdp({.branching = 3, .depth = 4, .density = 0.1, .seed = 2});
  const std::vector<double> q = QFromNodeValues(tree, UniformPolicyValues(tree));
  const double target = 0.9;
  const double t = TemperatureForPass(tree, q, target);
  const auto pass = [&](double temperature) {
    return SolutionStats(tree, SoftmaxTreePolicy(tree, q, temperature), 1).pass_at_1;
  };
  EXPECT_GE(pass(t), target);
  EXPECT_LT(pass(t * 1.01), target);
}

TEST(RoverTree, RolloutEstimateOfUniformQConvergesAndLeavesUnvisitedAtZero) {
  const TreeMdp tree = MakeTreeMdp({.branching = 2, .depth = 3, .density = 0.5, .seed = 5});
  const std::vector<double> exact = QFromNodeValues(tree, UniformPolicyValues(tree));
  Rng rng(11);
  const std::vector<double> many = EstimateUniformQ(tree, 20000, rng);
  for (size_t i = 0; i < exact.size(); ++i) EXPECT_NEAR(many[i], exact[i], 0.05) << i;
  // One episode visits one child per level: every other entry is 0.
  const std::vector<double> one = EstimateUniformQ(tree, 1, rng);
  int64_t visited = 0;
  for (double v : one) visited += v > 0.0;
  EXPECT_LE(visited, tree.depth);
}

TEST(RoverTree, ExactPolicyGradientConvergesToSolvingTheTree) {
  const TreeMdp tree = HandBuiltRoverTree();
  const TreePolicyGradientResult pg =
      TreePolicyGradient(tree, {.learning_rate = 10.0, .max_steps = 5000, .tolerance = 1e-3});
  EXPECT_GE(pg.success, 1.0 - 1e-3);
  EXPECT_LT(pg.steps, 5000);
}

}  // namespace
}  // namespace rlab::rl::tabular
