// RewardFn implementations: the true reward matches Step, shaping and combinations follow
// their formulas, tabular lookups and the reward-spec registry.
#include "rlab/reward/signal/reward_fn.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "rlab/envs/registry.h"
#include "rlab/envs/tensor.h"
#include "rlab/reward/signal/random_reward.h"
#include "rlab/reward/signal/reward_specs.h"
#include "rlab/reward/signal/tabular_reward.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

using testing::ErrorOf;

// r = sum of next_obs + first action, a simple non-constant reward.
RewardPtr SumReward() {
  return std::make_shared<LambdaReward>(
      [](const torch::Tensor&, const torch::Tensor& a, const torch::Tensor& s2) {
        return s2.sum(1) + a.select(1, 0);
      },
      "sum");
}

struct Batch {
  torch::Tensor obs, actions, next_obs;
};

Batch RandomBatch(int64_t b, int64_t d, int64_t a) {
  torch::manual_seed(7);
  return {torch::randn({b, d}), torch::randn({b, a}), torch::randn({b, d})};
}

TEST(RewardFn, TrueRewardEqualsStepReward) {
  envs::RegisterBuiltins();
  for (const char* name : {"CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0"}) {
    std::shared_ptr<envs::VectorEnv> env = envs::Make(name, 8, 3);
    const EnvReward reward(env);
    envs::StepTensors t = envs::CopyTensors(env->Reset());
    torch::manual_seed(1);
    for (int step = 0; step < 20; ++step) {
      const torch::Tensor obs = t.observations.clone();  // [N, D]
      const torch::Tensor actions =
          env->action_space().is_discrete()
              ? torch::randint(env->action_space().n(), {8, 1}).to(torch::kFloat32)
              : torch::rand({8, env->action_dim()}) * 2 - 1;  // [N, A]
      t = envs::Step(*env, env->action_space().is_discrete() ? actions.view({8}) : actions).Clone();
      const torch::Tensor r = reward(obs, actions, t.next_observations);
      EXPECT_EQ(r.scalar_type(), torch::kDouble);
      EXPECT_TRUE(torch::allclose(r, t.rewards.to(torch::kDouble), 1e-5, 1e-5)) << name;
    }
  }
}

TEST(RewardFn, ShapingFollowsItsFormula) {
  const Batch b = RandomBatch(32, 3, 2);
  const Potential phi = [](const torch::Tensor& s) { return (s * s).sum(1).to(torch::kDouble); };
  const ShapedReward shaped(SumReward(), phi, 0.9);
  const torch::Tensor expected =
      (*SumReward())(b.obs, b.actions, b.next_obs) + 0.9 * phi(b.next_obs) - phi(b.obs);
  EXPECT_TRUE(torch::allclose(shaped(b.obs, b.actions, b.next_obs), expected, 0, 1e-12));
}

TEST(RewardFn, ScalingAndCombinationApplyTheirWeights) {
  const Batch b = RandomBatch(16, 2, 1);
  const RewardPtr base = SumReward();
  const RewardPtr other = RandomReward(2, 1, 4);
  const torch::Tensor r1 = (*base)(b.obs, b.actions, b.next_obs);
  const torch::Tensor r2 = (*other)(b.obs, b.actions, b.next_obs);
  EXPECT_TRUE(torch::allclose(ScaledReward(base, -2.5)(b.obs, b.actions, b.next_obs), -2.5 * r1));
  const WeightedSumReward mix({{2.0, base}, {-0.5, other}});
  EXPECT_TRUE(torch::allclose(mix(b.obs, b.actions, b.next_obs), 2.0 * r1 - 0.5 * r2, 0, 1e-12));
  EXPECT_NE(ErrorOf([&] { WeightedSumReward({}); }).find("at least one term"), std::string::npos);
}

TEST(RewardFn, LambdaRewardChecksItsOutput) {
  const Batch b = RandomBatch(4, 2, 1);
  const LambdaReward bad(
      [](const torch::Tensor& s, const torch::Tensor&, const torch::Tensor&) { return s; }, "bad");
  EXPECT_NE(ErrorOf([&] { bad(b.obs, b.actions, b.next_obs); }).find("must return [B] = [4]"),
            std::string::npos);
  EXPECT_NE(ErrorOf([&] {
              (*SumReward())(b.obs, b.actions.view({-1}), b.next_obs);
            }).find("actions [B, A]"),
            std::string::npos);
}

TEST(RewardFn, TabularRewardLooksUpItsTable) {
  const torch::Tensor table = torch::randn({4, 2, 4}, torch::kDouble);
  const TabularReward reward(table);
  EXPECT_TRUE(torch::equal(TabulateReward(reward, 4, 2), table));
  const torch::Tensor s = torch::tensor({{3.0f}}), a = torch::tensor({{1.0f}}),
                      s2 = torch::tensor({{0.0f}});
  EXPECT_EQ(reward(s, a, s2).item<double>(), table[3][1][0].item<double>());
  EXPECT_NE(ErrorOf([&] { reward(s, a + 1, s2); }).find("whole numbers in [0, 1]"),
            std::string::npos);
}

TEST(RewardSpecs, BuildTheNamedRewards) {
  const torch::Tensor table = torch::randn({3, 2, 3}, torch::kDouble);
  RewardSpecContext context;
  context.true_reward = [table] { return std::make_shared<TabularReward>(table); };
  context.obs_dim = context.action_dim = 1;
  context.gamma = 0.5;
  context.num_states = 3;
  context.num_actions = 2;
  const auto tab = [&](const char* spec) {
    return TabulateReward(*MakeReward(spec, context), 3, 2);
  };
  EXPECT_TRUE(torch::equal(tab("true"), table));
  EXPECT_TRUE(torch::allclose(tab("negated"), -table));
  EXPECT_TRUE(torch::allclose(tab("scaled(factor=3)"), 3 * table));
  // shaped - true = gamma phi(s') - phi(s): recover phi from it, then check every entry.
  const torch::Tensor d = tab("shaped(scale=2, seed=3)") - table;  // [S, A, S]
  const double phi0 = d[0][0][0].item<double>() / (0.5 - 1.0);
  const torch::Tensor phi = 0.5 * phi0 - d.select(2, 0).select(1, 0);  // [S]
  EXPECT_TRUE(torch::allclose(d, 0.5 * phi.view({1, 1, -1}) - phi.view({-1, 1, 1}), 0, 1e-12));
  EXPECT_GT(phi.abs().max().item<double>(), 0.1);
  EXPECT_FALSE(torch::allclose(tab("random(seed=1)"), tab("random(seed=2)")));
  const std::string error = ErrorOf([&] { MakeReward("learned", context); });
  EXPECT_NE(error.find("valid names: negated, random, scaled, shaped, true"), std::string::npos)
      << error;
  EXPECT_NE(ErrorOf([&] { MakeReward("runs/rm-1", context); }).find("run directory"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
