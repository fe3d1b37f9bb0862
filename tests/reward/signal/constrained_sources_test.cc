// Constrained reward sources: the objective sources are summed with their weights and each
// constraint source enters through its multiplier; a violated constraint's multiplier grows
// by one dual step; roles are validated by name.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/signal/constrained_sources.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

TextRewards Scored() {
  TextRewards s;
  s.parts = {{"a", torch::tensor({1.0f, 2.0f})},
             {"b", torch::tensor({0.5f, 1.5f})},
             {"c", torch::tensor({3.0f, 5.0f})}};
  s.total = torch::zeros({2});
  return s;
}

TEST(ConstrainedSources, CombinesObjectivesAndMultipliers) {
  ConstrainedSources c({"objective", "at_most(threshold=0.5)", "objective"}, {2.0, 1.0, 0.5},
                       {0.1, 0.0, 10.0});
  // Multiplier 0 at the start: only the objectives, 2 a + 0.5 c.
  auto r = c.Combine(Scored());
  EXPECT_NEAR(r[0].item<double>(), 3.5, 1e-6);
  EXPECT_NEAR(r[1].item<double>(), 6.5, 1e-6);
  // Mean of b is 1 > 0.5: violated, the multiplier rises by 0.1 * 0.5.
  c.Update(Scored());
  ASSERT_EQ(c.multipliers().size(), 1u);
  EXPECT_NEAR(c.multipliers()[0], 0.05, 1e-9);
  // Then r = objectives - 0.05 (b - 0.5).
  r = c.Combine(Scored());
  EXPECT_NEAR(r[0].item<double>(), 3.5 - 0.05 * 0.0, 1e-6);
  EXPECT_NEAR(r[1].item<double>(), 6.5 - 0.05 * 1.0, 1e-6);
  const auto m = c.Metrics(Scored());
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].first, "multiplier/1");
  EXPECT_EQ(m[1].first, "constraint/1");
  EXPECT_NEAR(m[1].second, 1.0, 1e-6);
}

TEST(ConstrainedSources, OnlyConstraintsMeansNoObjective) {
  ConstrainedSources c({"at_least(threshold=4)"}, {}, {0.5, 1.0, 10.0});
  TextRewards s;
  s.parts = {{"a", torch::tensor({2.0f, 4.0f})}};
  s.total = s.parts[0].second;
  // lambda = 1: r = 1 * (a - 4).
  const auto r = c.Combine(s);
  EXPECT_NEAR(r[0].item<double>(), -2.0, 1e-6);
  EXPECT_NEAR(r[1].item<double>(), 0.0, 1e-6);
  c.Update(s);  // mean 3 < 4: violated, lambda grows by 0.5 * 1
  EXPECT_NEAR(c.multipliers()[0], 1.5, 1e-9);
}

TEST(ConstrainedSources, RolesAreCheckedByName) {
  EXPECT_NE(
      testing::ErrorOf([] { ConstrainedSources({"below(threshold=1)"}, {}, {}); }).find("at_least"),
      std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { ConstrainedSources({"at_most"}, {}, {}); }).find("threshold"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              ConstrainedSources({"objective"}, {}, {});
            }).find("at least one reward source must be a constraint"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              ConstrainedSources({"objective", "at_most(threshold=1)"}, {1.0}, {});
            }).find("1 weights for 2"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
