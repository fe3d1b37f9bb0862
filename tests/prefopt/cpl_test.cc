// Contrastive Preference Learning (Hejna et al., arXiv:2310.13639): the loss in closed form,
// and a policy that learns to prefer the behaviour of preferred segments.
#include "rlab/prefopt/cpl.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"

namespace rlab::prefopt {
namespace {

TEST(Cpl, LossIsTheContrastiveLogLikelihoodWithTheConservativeBias) {
  const torch::Tensor plus = torch::tensor({-1.0, 0.5}, torch::kDouble);
  const torch::Tensor minus = torch::tensor({-2.0, 1.5}, torch::kDouble);
  const torch::Tensor loss = CplLoss(plus, minus, 0.5);
  for (int i = 0; i < 2; ++i) {
    const double p = plus[i].item<double>(), m = minus[i].item<double>();
    const double expected = -std::log(std::exp(p) / (std::exp(p) + std::exp(0.5 * m)));
    EXPECT_NEAR(loss[i].item<double>(), expected, 1e-12);
  }
}

TEST(Cpl, TrainingRaisesTheScoreOfPreferredSegments) {
  envs::RegisterBuiltins();
  auto env = envs::Make("CartPole-v1", 2, 1);
  CplConfig c;
  c.hidden = {16};
  c.steps_per_round = 100;
  c.num_envs = 2;
  auto agent = MakeCplAgent(c, *env, 3);
  // Segments of 5 steps over the same random states: the preferred ones always push right
  // (1), the others left (0). The policy should come to push right.
  torch::manual_seed(0);
  const int64_t n = 32, h = 5;
  const torch::Tensor obs = torch::randn({n, h, 4}) * 0.05;
  reward::PreferencePairs pairs{{obs, torch::ones({n, h, 1}), obs},
                                {obs, torch::zeros({n, h, 1}), obs},
                                torch::zeros({n})};  // first preferred
  const MetricList m = agent->TrainOnPreferences(pairs);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_DOUBLE_EQ(m[1].second, 1.0);  // every pair ranked right afterwards
  Rng rng(1);
  std::vector<float> actions;
  const std::vector<float> state(4, 0.0f);
  agent->Act(state, 1, /*deterministic=*/true, rng, actions);
  EXPECT_EQ(actions[0], 1.0f);
}

}  // namespace
}  // namespace rlab::prefopt
