// The reward ensemble's outputs (PEBBLE, Lee et al., arXiv:2106.05091): per-member and mean
// rewards, segment returns, member preference probabilities, normalisation, accuracy.
#include "rlab/reward/model/ensemble_reward_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

RewardEnsembleOptions Options(bool next_obs = false) {
  RewardEnsembleOptions o;
  o.obs_dim = 3;
  o.action_dim = 2;
  o.use_next_obs = next_obs;
  o.hidden = {8, 8};
  return o;
}

TEST(RewardEnsemble, ShapesAndMembersDiffer) {
  torch::manual_seed(1);
  RewardEnsemble model(Options());
  EXPECT_EQ(model->members(), 3);
  const torch::Tensor obs = torch::randn({7, 3}), act = torch::randn({7, 2});
  const torch::Tensor per_member = model->MemberRewards(obs, act, {});
  EXPECT_EQ(per_member.sizes(), (std::vector<int64_t>{3, 7}));
  EXPECT_FALSE(torch::allclose(per_member[0], per_member[1]));
  EXPECT_LE(per_member.abs().max().item<float>(), 1.0f);  // tanh output
  EXPECT_TRUE(torch::allclose(model->Reward(obs, act, {}, false), per_member.mean(0)));
  EXPECT_FALSE(per_member.requires_grad());
}

TEST(RewardEnsemble, NextObservationIsAnInputWhenAsked) {
  torch::manual_seed(1);
  RewardEnsemble model(Options(/*next_obs=*/true));
  EXPECT_EQ(model->options().input_dim(), 8);
  const torch::Tensor obs = torch::randn({5, 3}), act = torch::randn({5, 2});
  const torch::Tensor a = model->Reward(obs, act, torch::zeros({5, 3}), false);
  const torch::Tensor b = model->Reward(obs, act, torch::ones({5, 3}), false);
  EXPECT_FALSE(torch::allclose(a, b));
  const std::string e = testing::ErrorOf([&] { model->Reward(obs, act, {}, false); });
  EXPECT_NE(e.find("next_obs"), std::string::npos) << e;
}

TEST(RewardEnsemble, PreferenceProbabilitiesAreSigmoidsOfSegmentReturnDifferences) {
  torch::manual_seed(2);
  RewardEnsemble model(Options());
  const SegmentBatch s1{torch::randn({4, 6, 3}), torch::randn({4, 6, 2}), {}};
  const SegmentBatch s2{torch::randn({4, 6, 3}), torch::randn({4, 6, 2}), {}};
  const torch::Tensor r1 = model->MemberSegmentReturns(s1);  // [3, 4]
  EXPECT_EQ(r1.sizes(), (std::vector<int64_t>{3, 4}));
  // A segment's return is the sum of its steps' rewards.
  const torch::Tensor steps =
      model->MemberRewards(s1.obs.reshape({24, 3}), s1.actions.reshape({24, 2}), {});  // [3, 24]
  EXPECT_TRUE(torch::allclose(r1, steps.reshape({3, 4, 6}).sum(2), 1e-5, 1e-5));
  const torch::Tensor p = model->MemberPreferenceProbabilities(s1, s2);  // [3, 4]
  EXPECT_TRUE(torch::allclose(p, torch::sigmoid(r1 - model->MemberSegmentReturns(s2))));
  const torch::Tensor q = model->MemberPreferenceProbabilities(s2, s1);
  EXPECT_TRUE(torch::allclose(p + q, torch::ones_like(p)));
  const SegmentBatch wrong{torch::randn({4, 6, 2}), torch::randn({4, 6, 2}), {}};
  EXPECT_THROW(model->MemberPreferenceProbabilities(wrong, s2), Error);
}

TEST(RewardEnsemble, FittedNormalisationGivesZeroMeanUnitStdAndIsSaved) {
  testing::ScratchDir dir("reward_ensemble_norm");
  torch::manual_seed(3);
  RewardEnsemble model(Options());
  const torch::Tensor obs = torch::randn({500, 3}), act = torch::randn({500, 2});
  model->FitNormalization(obs, act, {});
  const torch::Tensor r = model->Reward(obs, act, {});
  EXPECT_NEAR(r.mean().item<double>(), 0.0, 1e-4);
  EXPECT_NEAR(r.std(false).item<double>(), 1.0, 1e-3);
  const torch::Tensor raw = model->Reward(obs, act, {}, false);
  EXPECT_TRUE(torch::allclose(r, (raw - model->normalization_mean()) / model->normalization_std(),
                              1e-5, 1e-5));
  CheckpointState state;
  state.AddModule("rm", model.ptr());
  state.Save(dir / "c.pt", {{"step", 0}});
  torch::manual_seed(4);
  RewardEnsemble other(Options());
  CheckpointState other_state;
  other_state.AddModule("rm", other.ptr());
  other_state.Load(dir / "c.pt");
  EXPECT_DOUBLE_EQ(other->normalization_std(), model->normalization_std());
  EXPECT_TRUE(torch::equal(other->Reward(obs, act, {}), r));
}

TEST(RewardEnsemble, AccuracySkipsTies) {
  // A linear model with no hidden layer and no tanh whose reward is the first observation.
  RewardEnsembleOptions o = Options();
  o.hidden = {};
  o.members = 1;
  o.tanh_output = false;
  RewardEnsemble model(o);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.zero_();
    model->parameters()[0][0][0] = 1.0f;  // weight [1, 5]: reward = obs[0]
  }
  auto segments = [](std::vector<float> first_obs) {
    const int64_t n = static_cast<int64_t>(first_obs.size());
    torch::Tensor obs = torch::zeros({n, 1, 3});
    obs.select(2, 0).copy_(torch::tensor(first_obs).view({n, 1}));
    return SegmentBatch{obs, torch::zeros({n, 1, 2}), {}};
  };
  // Returns: (1 vs 2) second better, (3 vs 0) first better, (5 vs 4) first better, (1 vs 1) tie.
  const PreferencePairs pairs{segments({1, 3, 5, 1}), segments({2, 0, 4, 1}),
                              torch::tensor({1.0f, 0.0f, 1.0f, 0.5f})};
  EXPECT_DOUBLE_EQ(model->Accuracy(pairs), 2.0 / 3.0);  // the third label is wrong
  const PreferencePairs all_ties{segments({1}), segments({2}), torch::tensor({0.5f})};
  EXPECT_EQ(model->Accuracy(all_ties), 0.0);
}

TEST(RewardEnsemble, BadOptionsAreRefused) {
  RewardEnsembleOptions o = Options();
  o.members = 0;
  EXPECT_THROW(RewardEnsemble{o}, Error);
  o = Options();
  o.activation = "gelu";
  EXPECT_NE(testing::ErrorOf([&] { RewardEnsemble m(o); }).find("relu or tanh"), std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
