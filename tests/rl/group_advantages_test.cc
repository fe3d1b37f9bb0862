// Group advantage estimators: GRPO, Dr. GRPO, RLOO, REINFORCE++ and BNPO equal their closed
// forms on hand-made grouped rewards (double precision, BNPO's numbers computed separately
// from the Beta density); RLOO sums to zero per group; groups of equal rewards get exactly 0.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/rl/group_advantages.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::rl {
namespace {

using testing::kDouble;
// Two prompts, three completions each; the second group has no spread.
const std::vector<double> kRewards = {1.0, 0.0, 0.5, 2.0, 2.0, 2.0};

torch::Tensor Advantages(const std::string& spec, const std::vector<double>& rewards,
                         int64_t group) {
  return (*MakeGroupAdvantage(spec))(torch::tensor(rewards, kDouble), group);
}

void ExpectValues(const torch::Tensor& got, const std::vector<double>& want, double tol = 1e-12) {
  ASSERT_EQ(got.dim(), 1);
  ASSERT_EQ(got.size(0), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i].item<double>(), want[i], tol) << "entry " << i;
  }
}

TEST(GroupAdvantages, GrpoAndDrGrpo) {
  // Group 0: mean 0.5, sample std 0.5.
  ExpectValues(Advantages("grpo(eps=0)", kRewards, 3), {1.0, -1.0, 0.0, 0.0, 0.0, 0.0});
  const double d = 0.5 + 1e-4;  // TRL's default eps
  ExpectValues(Advantages("grpo", kRewards, 3), {0.5 / d, -0.5 / d, 0.0, 0.0, 0.0, 0.0});
  ExpectValues(Advantages("grpo(scale_rewards=false)", kRewards, 3),
               {0.5, -0.5, 0.0, 0.0, 0.0, 0.0});
}

TEST(GroupAdvantages, EqualRewardsGiveExactlyZero) {
  // 0.1 has no exact float: the group mean may not round back to it, yet A must be 0.
  const torch::Tensor r = torch::full({12}, 0.1f);
  for (const char* spec : {"grpo", "grpo(scale_rewards=false)", "rloo", "reinforce_pp",
                           "reinforce_pp(group_baseline=true)"}) {
    const torch::Tensor a = (*MakeGroupAdvantage(spec))(r, 3);
    EXPECT_TRUE(torch::equal(a, torch::zeros_like(a))) << spec;
  }
  const torch::Tensor mixed = torch::tensor({0.1f, 0.1f, 0.1f, 0.3f, 0.7f, 0.2f});
  const torch::Tensor a = (*MakeGroupAdvantage("grpo"))(mixed, 3);
  EXPECT_EQ(a.slice(0, 0, 3).abs().max().item<float>(), 0.0f);
  EXPECT_GT(a.slice(0, 3, 6).abs().max().item<float>(), 0.5f);
}

TEST(GroupAdvantages, RlooUsesTheLeaveOneOutMean) {
  ExpectValues(Advantages("rloo", kRewards, 3), {0.75, -0.75, 0.0, 0.0, 0.0, 0.0});
  torch::manual_seed(11);
  const torch::Tensor r = torch::randn({40}, kDouble);
  const torch::Tensor a = (*MakeGroupAdvantage("rloo"))(r, 8).reshape({5, 8});
  EXPECT_LT(a.sum(1).abs().max().item<double>(), 1e-13);
  // r_0 minus the mean of the other seven.
  const double other = (r.slice(0, 1, 8).sum() / 7).item<double>();
  EXPECT_NEAR(a[0][0].item<double>(), r[0].item<double>() - other, 1e-14);
}

TEST(GroupAdvantages, ReinforcePlusPlusNormalisesOverTheBatch) {
  // Batch mean 1.25, sample std over all six rewards.
  ExpectValues(Advantages("reinforce_pp(eps=0)", kRewards, 3),
               {-0.2839809171235324, -1.419904585617662, -0.8519427513705972, 0.8519427513705972,
                0.8519427513705972, 0.8519427513705972});
  // Group baseline first: 0.5, -0.5, 0, 0, 0, 0, whose sample std is sqrt(0.1).
  const double s = std::sqrt(0.1);
  ExpectValues(Advantages("reinforce_pp(group_baseline=true, eps=0)", kRewards, 3),
               {0.5 / s, -0.5 / s, 0.0, 0.0, 0.0, 0.0});
}

TEST(GroupAdvantages, BnpoDividesByTheFittedBetaDensity) {
  // Success rates 1/4, 1/2, 3/4: moment fit a = b = 1.5, so alpha = beta = 1.5.
  ExpectValues(
      Advantages("bnpo", {1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0}, 4),
      {0.6801747615878317, -0.22672492052927723, -0.22672492052927723, -0.22672492052927723,
       0.39269908169872414, 0.39269908169872414, -0.39269908169872414, -0.39269908169872414,
       0.22672492052927723, 0.22672492052927723, 0.22672492052927723, -0.6801747615878317});
  // Adding an all-correct prompt: alpha = 1.2604, beta = 1.15625; the density is 0 at p = 1,
  // yet that group's advantages are 0, not NaN.
  ExpectValues(Advantages("bnpo", {1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1}, 4),
               {0.7545747599697603, -0.2515249199899201, -0.2515249199899201, -0.2515249199899201,
                0.44743715652597743, 0.44743715652597743, -0.44743715652597743,
                -0.44743715652597743, 0.22432665929877868, 0.22432665929877868, 0.22432665929877868,
                -0.672979977896336, 0, 0, 0, 0});
  // Rewards in {-1, 1} are scaled to [0, 1] first, and the advantages stay in those scaled
  // units, as in the authors' code: the same numbers as above.
  ExpectValues(
      Advantages("bnpo(min_reward=-1)", {1, -1, -1, -1, 1, 1, -1, -1, 1, 1, 1, -1}, 4),
      {0.6801747615878317, -0.22672492052927723, -0.22672492052927723, -0.22672492052927723,
       0.39269908169872414, 0.39269908169872414, -0.39269908169872414, -0.39269908169872414,
       0.22672492052927723, 0.22672492052927723, 0.22672492052927723, -0.6801747615878317});
  // One prompt: no Beta fit, plain r - p.
  ExpectValues(Advantages("bnpo", {1, 0, 0, 0}, 4), {0.75, -0.25, -0.25, -0.25});
  EXPECT_NE(testing::ErrorOf([] {
              Advantages("bnpo", {2, 0}, 2);
            }).find("max_reward"),
            std::string::npos);
}

TEST(GroupAdvantages, StatsAsTrlLogsThem) {
  const GroupRewardStats s = ComputeGroupRewardStats(torch::tensor(kRewards, kDouble), 3);
  EXPECT_NEAR(s.reward, 7.5 / 6, 1e-15);
  EXPECT_NEAR(s.reward_std, 0.25, 1e-15);  // mean of the group stds 0.5 and 0
  EXPECT_EQ(s.frac_reward_zero_std, 0.5);
  const GroupRewardStats all = ComputeGroupRewardStats(torch::ones({4}), 2);
  EXPECT_EQ(all.frac_reward_zero_std, 1.0);
  EXPECT_EQ(all.reward_std, 0.0);
}

TEST(GroupAdvantages, BadShapesFail) {
  EXPECT_NE(testing::ErrorOf([] { Advantages("grpo", kRewards, 4); }).find("groups of 4"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { Advantages("rloo", kRewards, 1); }).find("at least 2"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              Advantages("grpo", {1.0, std::nan("")}, 2);
            }).find("NaN"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeGroupAdvantage("ppo"); }).find("bnpo"), std::string::npos);
}

}  // namespace
}  // namespace rlab::rl
