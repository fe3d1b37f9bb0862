// The pieces of off-policy adversarial imitation with a Lipschitz penalty: the gradient
// penalty on a linear discriminator (closed form), the reward transform, the replay buffer's
// mixing of policies and the soft-optimal learner. arXiv:2006.16785.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/rl/tabular/lipschitz_gail.h"

namespace rlab::rl::tabular {
namespace {

TEST(LipschitzGail, GradientPenaltyOfALinearDiscriminatorIsItsClosedForm) {
  // f(x) = w.x + b has gradient w everywhere: the penalty is (||w|| - k)^2 whatever the points.
  const torch::Tensor w = torch::tensor({3.0, -4.0, 0.0}, torch::kDouble);  // ||w|| = 5
  const auto f = [&](const torch::Tensor& x) { return torch::mv(x, w) + 0.5; };
  const torch::Tensor expert = torch::randn({7, 3}, torch::kDouble);
  const torch::Tensor policy = torch::randn({7, 3}, torch::kDouble);
  const torch::Tensor mix = torch::rand({7}, torch::kDouble);
  EXPECT_NEAR(GradientPenalty(f, expert, policy, mix, 1.0).item<double>(), 16.0, 1e-9);
  EXPECT_NEAR(GradientPenalty(f, expert, policy, mix, 0.0).item<double>(), 25.0, 1e-9);
  // Its gradient in w is that of (||w|| - k)^2: 2 (||w|| - k) w / ||w||.
  const torch::Tensor wv = w.clone().requires_grad_(true);
  const auto g = [&](const torch::Tensor& x) { return torch::mv(x, wv); };
  GradientPenalty(g, expert, policy, mix, 1.0).backward();
  EXPECT_TRUE(torch::allclose(wv.grad(), 2.0 * (5.0 - 1.0) * w / 5.0, 1e-9, 1e-9));
}

TEST(LipschitzGail, RewardIsMinusLogOneMinusD) {
  for (double f : {-6.0, -1.0, 0.0, 0.7, 4.0}) {
    const double d = 1.0 / (1.0 + std::exp(-f));
    const double r = ImitationRewardFromLogit(torch::tensor({f}, torch::kDouble)).item<double>();
    EXPECT_NEAR(r, -std::log(1.0 - d), 1e-12) << f;
  }
  // Finite where 1 - D rounds to zero.
  EXPECT_NEAR(ImitationRewardFromLogit(torch::tensor({80.0}, torch::kDouble)).item<double>(), 80.0,
              1e-9);
}

TEST(LipschitzGail, ReplayBufferKeepsTheNewestRowsAndMixesThemUniformly) {
  ReplayBuffer buffer(4, 1);
  for (double id : {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}) buffer.Add({id});  // 1 and 2 are evicted
  EXPECT_EQ(buffer.size(), 4);
  Rng rng(7);
  const torch::Tensor draws = buffer.Sample(8000, rng).squeeze(1);  // [8000]
  EXPECT_EQ((draws <= 2.0).sum().item<int64_t>(), 0);
  // Two policies with two rows each (3, 4 older; 5, 6 newer): each is half of a batch.
  const double older = ((draws == 3.0) | (draws == 4.0)).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(older, 0.5, 0.03);
  for (double id : {3.0, 4.0, 5.0, 6.0}) {
    EXPECT_NEAR((draws == id).to(torch::kDouble).mean().item<double>(), 0.25, 0.03) << id;
  }
}

}  // namespace
}  // namespace rlab::rl::tabular
