// Constrained rewards with Lagrange multipliers: the combined reward equals
// r_0 + sum_i lambda_i s_i (r_i - theta_i) on hand-made rewards; a violated constraint's
// multiplier rises, a satisfied one's falls but never below 0; the state restores.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/signal/constrained_rewards.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;

ConstrainedReward Make(double lr = 0.1) {
  LagrangeSettings s;
  s.lr = lr;
  return ConstrainedReward(
      {{"length", 2.0, ConstraintSense::kAtLeast}, {"toxicity", 0.5, ConstraintSense::kAtMost}}, s);
}

TEST(ConstrainedRewards, CombineMatchesTheLagrangian) {
  ConstrainedReward c = Make();
  const torch::Tensor task = torch::tensor({1.0, 2.0}, kDouble);
  const torch::Tensor cons = torch::tensor({1.0, 3.0, 0.7, 0.2}, kDouble).reshape({2, 2});
  // All multipliers start at 0: the task reward alone.
  EXPECT_TRUE(torch::equal(c.Combine(task, cons), task));
  c.Restore({0.5, 2.0});
  const torch::Tensor r = c.Combine(task, cons);
  // 1 + 0.5 (1 - 2) - 2 (0.7 - 0.5) and 2 + 0.5 (3 - 2) - 2 (0.2 - 0.5).
  EXPECT_NEAR(r[0].item<double>(), 0.1, 1e-12);
  EXPECT_NEAR(r[1].item<double>(), 3.1, 1e-12);
  // One dual step: length's mean is on its threshold (slack 0), toxicity's mean 0.45 is 0.05
  // inside its bound, so its multiplier shrinks by lr * 0.05.
  c.UpdateMultipliers(cons);
  EXPECT_NEAR(c.multipliers()[0], 0.5, 1e-15);
  EXPECT_NEAR(c.multipliers()[1], 2.0 - 0.1 * 0.05, 1e-15);
  const std::vector<double> slack = c.Slack({1.5, 0.9});
  EXPECT_NEAR(slack[0], -0.5, 1e-15);
  EXPECT_NEAR(slack[1], -0.4, 1e-15);
}

TEST(ConstrainedRewards, ViolatedMultiplierRisesAndStaysNonNegative) {
  ConstrainedReward c = Make(0.1);
  double last = 0;
  for (int step = 0; step < 5; ++step) {  // length mean 1 < 2, toxicity 0.8 > 0.5: violated
    c.UpdateMultipliers(std::vector<double>{1.0, 0.8});
    EXPECT_GT(c.multipliers()[0], last);
    last = c.multipliers()[0];
  }
  EXPECT_NEAR(c.multipliers()[0], 0.5, 1e-12);   // 5 steps of 0.1 * 1
  EXPECT_NEAR(c.multipliers()[1], 0.15, 1e-12);  // 5 steps of 0.1 * 0.3
  // Now both satisfied by a wide margin: the multipliers fall to 0 and stay there.
  for (int step = 0; step < 5; ++step) {
    c.UpdateMultipliers(std::vector<double>{10.0, -10.0});
    EXPECT_GE(c.multipliers()[0], 0.0);
    EXPECT_GE(c.multipliers()[1], 0.0);
  }
  EXPECT_EQ(c.multipliers()[0], 0.0);
  EXPECT_EQ(c.multipliers()[1], 0.0);
}

TEST(ConstrainedRewards, EqualityMultiplierIsFreeAndCapsHold) {
  LagrangeSettings s;
  s.lr = 1.0;
  s.max_multiplier = 2.0;
  ConstrainedReward c({{"intent", 0.3, ConstraintSense::kEqual}}, s);
  c.UpdateMultipliers(std::vector<double>{0.8});  // above the target: lambda goes negative
  EXPECT_NEAR(c.multipliers()[0], -0.5, 1e-15);
  for (int i = 0; i < 10; ++i) c.UpdateMultipliers(std::vector<double>{-1.0});
  EXPECT_EQ(c.multipliers()[0], 2.0);  // capped
}

TEST(ConstrainedRewards, StateRestoresAndBadInputsFail) {
  ConstrainedReward a = Make();
  a.UpdateMultipliers(std::vector<double>{0.0, 1.0});
  ConstrainedReward b = Make();
  b.Restore(a.multipliers());
  EXPECT_EQ(b.multipliers(), a.multipliers());
  EXPECT_NE(testing::ErrorOf([&] { b.Restore({-1.0, 0.0}); }).find(">= 0"), std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { b.Restore({1.0}); }).find("2 constraints"), std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              b.Combine(torch::zeros({3}, kDouble), torch::zeros({1, 3}, kDouble));
            }).find("[C=2, N=3]"),
            std::string::npos);
  EXPECT_EQ(ParseConstraintSense("at_most"), ConstraintSense::kAtMost);
  EXPECT_NE(testing::ErrorOf([] { ParseConstraintSense("below"); }).find("at_least"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
