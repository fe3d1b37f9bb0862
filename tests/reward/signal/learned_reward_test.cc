// The learned reward adapter (reward/signal/learned_reward.h): a RewardEnsemble seen as a RewardFn.
#include "rlab/reward/signal/learned_reward.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::reward {
namespace {

RewardEnsemble SmallEnsemble(bool next_obs) {
  torch::manual_seed(7);
  RewardEnsembleOptions o;
  o.obs_dim = 3;
  o.action_dim = 2;
  o.use_next_obs = next_obs;
  o.members = 2;
  o.hidden = {8};
  return RewardEnsemble(o);
}

TEST(LearnedReward, IsTheEnsemblesNormalisedMeanMinusTheOffsetInDouble) {
  RewardEnsemble ensemble = SmallEnsemble(true);
  const torch::Tensor obs = torch::randn({10, 3}), act = torch::randn({10, 2}),
                      next = torch::randn({10, 3});
  ensemble->FitNormalization(obs, act, next);
  LearnedReward reward(ensemble, /*batch_rows=*/3);  // several chunks
  const torch::Tensor r = reward(obs, act, next);
  ASSERT_EQ(r.scalar_type(), torch::kDouble);
  ASSERT_EQ(r.sizes(), (std::vector<int64_t>{10}));
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = ensemble->Reward(obs, act, next, true).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(r, expected, 1e-6, 1e-6));
  EXPECT_NEAR(r.mean().item<double>(), 0.0, 1e-5);  // normalised on these transitions

  reward.set_offset(0.25);
  EXPECT_TRUE(torch::allclose(reward(obs, act, next), expected - 0.25, 1e-6, 1e-6));
  EXPECT_NE(reward.Describe().find("2 members"), std::string::npos) << reward.Describe();
}

TEST(LearnedReward, SharesTheEnsembleSoTrainingChangesTheReward) {
  RewardEnsemble ensemble = SmallEnsemble(false);
  LearnedReward reward(ensemble);
  const torch::Tensor obs = torch::randn({4, 3}), act = torch::randn({4, 2});
  const torch::Tensor before = reward(obs, act, obs);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : ensemble->parameters()) p.add_(0.5);
  }
  EXPECT_FALSE(torch::allclose(before, reward(obs, act, obs)));
}

TEST(LearnedReward, RefusesBadInput) {
  LearnedReward reward(SmallEnsemble(false));
  EXPECT_THROW(reward(torch::randn({4, 2}), torch::randn({4, 2}), torch::randn({4, 2})), Error);
  EXPECT_THROW(LearnedReward(SmallEnsemble(false), 0), Error);
}

}  // namespace
}  // namespace rlab::reward
