// The feature reward-model trainer: a linear model fitted to pairs labelled by a hidden linear
// reward lowers its loss and orders them; its state restores to the same next step.
#include "rlab/reward/model/feature_reward_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "test_support.h"

namespace rlab::reward {
namespace {

// 64 items in 4 dimensions and 256 pairs labelled by the reward x . (1, -1, 0.5, 0).
FeaturePairs LinearlyLabelled() {
  torch::manual_seed(5);
  FeaturePairs p;
  p.features = torch::randn({64, 4});
  const torch::Tensor reward = p.features.matmul(torch::tensor({1.0f, -1.0f, 0.5f, 0.0f}));
  p.a = torch::randint(64, {256}, torch::kLong);
  p.b = torch::randint(64, {256}, torch::kLong);
  p.prefers_a = (reward.index_select(0, p.a) > reward.index_select(0, p.b)).to(torch::kFloat32);
  return p;
}

FeatureRewardTrainerOptions FeatureTrainerOptions() {
  FeatureRewardTrainerOptions o;
  o.batch_size = 32;
  o.lr = 0.05;
  return o;
}

TEST(FeatureRewardTrainer, LossFallsOnLinearlyLabelledPairs) {
  const FeaturePairs pairs = LinearlyLabelled();
  torch::manual_seed(1);
  FeatureRewardTrainer trainer(models::Mlp(4, std::vector<int64_t>{}, 1, "relu"),
                               FeatureTrainerOptions(), /*batch_seed=*/2);
  const double first = trainer.Step(pairs).loss;
  double last = first;
  for (int i = 0; i < 60; ++i) {
    const FeatureRewardStep s = trainer.Step(pairs);
    ASSERT_TRUE(std::isfinite(s.loss));
    EXPECT_EQ(s.reward_a.sizes(), (std::vector<int64_t>{32}));
    last = s.loss;
  }
  EXPECT_EQ(trainer.step(), 61);
  EXPECT_LT(last, 0.6 * first) << first << " -> " << last;
  const torch::Tensor r = trainer.Rewards(pairs.features);  // [64]
  const torch::Tensor ordered =
      (r.index_select(0, pairs.a) > r.index_select(0, pairs.b)) == (pairs.prefers_a > 0.5);
  EXPECT_GT(ordered.to(torch::kFloat32).mean().item<double>(), 0.9);
}

TEST(FeatureRewardTrainer, RestoredStateTakesTheSameNextStep) {
  testing::ScratchDir dir("feature_rm_trainer_resume");
  const FeaturePairs pairs = LinearlyLabelled();
  torch::manual_seed(1);
  FeatureRewardTrainer a(models::Mlp(4, std::vector<int64_t>{8}, 1, "tanh"),
                         FeatureTrainerOptions(), 2);
  for (int i = 0; i < 3; ++i) a.Step(pairs);
  CheckpointState saved;
  a.AddTo(saved);
  saved.Save(dir / "state.pt", {{"step", a.step()}});
  const double expected = a.Step(pairs).loss;

  torch::manual_seed(9);
  FeatureRewardTrainer b(models::Mlp(4, std::vector<int64_t>{8}, 1, "tanh"),
                         FeatureTrainerOptions(), 7);
  CheckpointState state;
  b.AddTo(state);
  b.Restore(state.Load(dir / "state.pt")["step"]);
  EXPECT_EQ(b.Step(pairs).loss, expected);
  EXPECT_EQ(b.step(), 4);
}

TEST(FeatureRewardTrainerOptions, BadSettingsAreRefused) {
  FeatureRewardTrainerOptions o;
  o.lr = 0;
  EXPECT_NE(testing::ErrorOf([&] { o.Validate(); }).find("lr must be > 0"), std::string::npos);
  o.lr = std::numeric_limits<double>::infinity();
  EXPECT_NE(testing::ErrorOf([&] { o.Validate(); }).find("lr must be > 0 and finite, got inf"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
