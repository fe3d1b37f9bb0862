#include "rlab/envs/tabular/random_mdp.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::envs::tabular {
namespace {

TEST(RandomMdp, RowsAreDistributions) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    for (double concentration : {0.1, 1.0, 5.0}) {
      const FiniteMdp mdp = MakeRandomMdp(
          {.num_states = 7, .num_actions = 3, .concentration = concentration, .seed = seed});
      ASSERT_EQ(mdp.transitions.sizes(), (std::vector<int64_t>{7, 3, 7}));
      ASSERT_EQ(mdp.rewards.sizes(), mdp.transitions.sizes());
      EXPECT_TRUE(
          torch::allclose(mdp.transitions.sum(2), torch::ones({7, 3}, torch::kDouble), 0.0, 1e-12));
      EXPECT_GE(mdp.transitions.min().item<double>(), 0.0);
      EXPECT_NEAR(mdp.initial.sum().item<double>(), 1.0, 1e-12);
      EXPECT_NO_THROW(mdp.Validate());
    }
  }
}

TEST(RandomMdp, SameSeedSameMdpOtherSeedOther) {
  const RandomMdpOptions options{.num_states = 5, .num_actions = 2, .successors = 3, .seed = 42};
  const FiniteMdp a = MakeRandomMdp(options);
  const FiniteMdp b = MakeRandomMdp(options);
  EXPECT_TRUE(torch::equal(a.transitions, b.transitions));
  EXPECT_TRUE(torch::equal(a.rewards, b.rewards));
  EXPECT_TRUE(torch::equal(a.initial, b.initial));
  RandomMdpOptions other = options;
  other.seed = 43;
  const FiniteMdp c = MakeRandomMdp(other);
  EXPECT_FALSE(torch::equal(a.transitions, c.transitions));
  EXPECT_FALSE(torch::equal(a.rewards, c.rewards));
}

TEST(RandomMdp, SparseRowsHaveTheRequestedSupport) {
  const FiniteMdp mdp =
      MakeRandomMdp({.num_states = 9, .num_actions = 4, .successors = 2, .seed = 3});
  const torch::Tensor support = (mdp.transitions > 0).sum(2);  // [S, A]
  EXPECT_TRUE(torch::equal(support, torch::full({9, 4}, 2, torch::kLong)));
}

TEST(RandomMdp, RewardScaleFollowsRewardStd) {
  const FiniteMdp mdp =
      MakeRandomMdp({.num_states = 20, .num_actions = 5, .reward_std = 3.0, .seed = 1});
  EXPECT_NEAR(mdp.rewards.std().item<double>(), 3.0, 0.3);
  EXPECT_NEAR(mdp.rewards.mean().item<double>(), 0.0, 0.3);
}

TEST(RandomMdp, RejectsBadOptions) {
  EXPECT_THROW(MakeRandomMdp({.num_states = 0}), Error);
  EXPECT_THROW(MakeRandomMdp({.num_states = 3, .successors = 4}), Error);
  EXPECT_THROW(MakeRandomMdp({.concentration = 0.0}), Error);
  EXPECT_THROW(MakeRandomMdp({.gamma = -0.1}), Error);
}

}  // namespace
}  // namespace rlab::envs::tabular
