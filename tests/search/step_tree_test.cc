// ReST-MCTS*'s tree and value targets: the quality value's hand-computed cases (a right chain
// climbs linearly to exactly 1 at its answer; a wrong step pulls the value down, never below
// 0), UCT selection and backup, closing of fully searched subtrees, and the Monte-Carlo step
// values as the share of right answers below a partial solution.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/search/step_tree.h"

namespace rlab::search::step_tree_test {
namespace {

TEST(QualityValues, ARightChainClimbsLinearlyToOneAtItsAnswer) {
  const std::vector<double> v = QualityValues({true, true, true, true}, {3, 2, 1, 0});
  ASSERT_EQ(v.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_NEAR(v[k], 0.25 * static_cast<double>(k + 1), 1e-12);
}

TEST(QualityValues, AWrongStepPullsTheValueDownAndNeverBelowZero) {
  // v1 = (1 - 0) / 3 = 1/3; w2 = -(1 - 1/3) / 2 = -1/3 -> v2 = 0; w3 = -(1 - 0) / 1 -> v3 = 0;
  // w4 = +(1 - 0) / 1 -> v4 = 1.
  const std::vector<double> v = QualityValues({true, false, false, true}, {2, 1, 0, 0});
  EXPECT_NEAR(v[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(v[1], 0.0, 1e-12);
  EXPECT_NEAR(v[2], 0.0, 1e-12);
  EXPECT_NEAR(v[3], 1.0, 1e-12);
  EXPECT_THROW(QualityValues({true}, {}), Error);
}

TEST(StepTree, SelectsByUctAndBacksValuesUpToTheRoot) {
  StepTree tree;
  EXPECT_EQ(tree.Select(2, 1.0), 0);  // the root is open
  const int a = tree.Add(0, "a;", 1.0, false, 2);
  const int b = tree.Add(0, "b;", 0.0, false, 2);
  EXPECT_EQ(tree.node(0).visits, 3);
  EXPECT_DOUBLE_EQ(tree.node(0).total, 1.0);
  EXPECT_EQ(tree.Select(2, 0.0), a);  // greedy on the mean
  const int a1 = tree.Add(a, "a;c", 0.5, true, 2);
  EXPECT_EQ(tree.node(a).visits, 2);
  EXPECT_DOUBLE_EQ(tree.node(a).total, 1.5);
  // A large constant prefers the less visited child: b (visits 1) over a (visits 2).
  EXPECT_EQ(tree.Select(2, 10.0), b);
  EXPECT_EQ(tree.BestFinished(), a1);
  EXPECT_EQ(tree.BestOpen(), a);
}

TEST(StepTree, ClosesSubtreesWhoseChildrenAreAllFinished) {
  StepTree tree;
  const int a = tree.Add(0, "a;", 1.0, false, 2);
  tree.Add(a, "a;x", 1.0, true, 2);
  tree.Add(a, "a;y", 1.0, true, 2);
  EXPECT_TRUE(tree.node(a).closed);
  EXPECT_FALSE(tree.node(0).closed);  // it may take a second child
  EXPECT_EQ(tree.Select(2, 1.0), 0);
  tree.Add(0, "b", 0.0, true, 2);
  EXPECT_TRUE(tree.node(0).closed);
  EXPECT_EQ(tree.Select(2, 1.0), -1);
}

TEST(StepTree, MonteCarloValuesAreTheShareOfRightAnswersBelow) {
  StepTree tree;
  const int a = tree.Add(0, "a;", 0, false, 3);
  const int a1 = tree.Add(a, "a;x", 0, true, 3);
  const int a2 = tree.Add(a, "a;y", 0, true, 3);
  const int b = tree.Add(0, "b", 0, true, 3);
  const int c = tree.Add(0, "c;", 0, false, 3);  // nothing finished below
  std::vector<uint8_t> right(static_cast<std::size_t>(tree.size()), 0);
  right[a1] = 1;
  const std::vector<StepTarget> targets = tree.Targets(right);
  ASSERT_EQ(targets.size(), 5u);
  auto of = [&](int node) {
    for (const StepTarget& t : targets) {
      if (t.node == node) return t;
    }
    return StepTarget{};
  };
  EXPECT_DOUBLE_EQ(of(a).monte_carlo, 0.5);
  EXPECT_DOUBLE_EQ(of(a1).monte_carlo, 1.0);
  EXPECT_DOUBLE_EQ(of(a2).monte_carlo, 0.0);
  EXPECT_DOUBLE_EQ(of(b).monte_carlo, 0.0);
  EXPECT_TRUE(std::isnan(of(c).monte_carlo));
  // a leads to a right answer one step away (v = 1/2), a1 is it (v = 1); a2 is a wrong last
  // step after a (1/2 - 1/2 = 0); b is a wrong answer at once (clamped at 0).
  EXPECT_DOUBLE_EQ(of(a).quality, 0.5);
  EXPECT_DOUBLE_EQ(of(a1).quality, 1.0);
  EXPECT_DOUBLE_EQ(of(a2).quality, 0.0);
  EXPECT_DOUBLE_EQ(of(b).quality, 0.0);
}

}  // namespace
}  // namespace rlab::search::step_tree_test
