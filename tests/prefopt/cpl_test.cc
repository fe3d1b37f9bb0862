// Contrastive Preference Learning (Hejna et al., arXiv:2310.13639): the loss in closed form,
// and a policy that learns to prefer the behaviour of preferred segments.
#include "rlab/prefopt/cpl.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"
#include "rlab/prefopt/cpl_policy.h"

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

// A CPL agent on `env_name` trained on 32 pairs of 5-step segments over the same random
// states (scaled by obs_scale): the first segment of each pair, always preferred, takes action
// `preferred`, the second `dispreferred`. Returns the deterministic action at `state` after
// training; every pair must then be ranked right.
float ActionAfterTraining(const std::string& env_name, float obs_scale, float preferred,
                          float dispreferred, int64_t steps, const std::vector<float>& state) {
  envs::RegisterBuiltins();
  auto env = envs::Make(env_name, 2, 1);
  CplConfig c;
  c.hidden = {16};
  c.steps_per_round = steps;
  c.num_envs = 2;
  auto agent = MakeCplAgent(c, *env, 3);
  torch::manual_seed(0);
  const int64_t n = 32, h = 5;
  const torch::Tensor obs = torch::randn({n, h, env->obs_dim()}) * obs_scale;
  reward::PreferencePairs pairs{{obs, torch::full({n, h, 1}, preferred), obs},
                                {obs, torch::full({n, h, 1}, dispreferred), obs},
                                torch::zeros({n})};  // first preferred
  const MetricList m = agent->TrainOnPreferences(pairs);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_DOUBLE_EQ(m[1].second, 1.0);  // every pair ranked right afterwards
  Rng rng(1);
  std::vector<float> actions;
  agent->Act(state, 1, /*deterministic=*/true, rng, actions);
  return actions[0];
}

TEST(Cpl, TrainingRaisesTheScoreOfPreferredSegments) {
  // Preferred segments push CartPole right (1), the others left (0).
  EXPECT_EQ(ActionAfterTraining("CartPole-v1", 0.05f, 1.0f, 0.0f, 100, std::vector<float>(4, 0.0f)),
            1.0f);
}

TEST(Cpl, GaussianPolicyLogProbIsTheNormalDensityAroundItsSquashedMean) {
  // A box [-2, 2] x [0, 1]: centres 0 and 0.5, half-widths 2 and 0.5.
  const envs::Space box = envs::Space::Box({-2.0f, 0.0f}, {2.0f, 1.0f});
  auto policy = MakeGaussianCplPolicy(3, box, {8}, 0.25);
  torch::manual_seed(0);
  const torch::Tensor obs = torch::randn({4, 3});
  const torch::Tensor actions = torch::rand({4, 2});
  const torch::Tensor logp = policy->LogProb(obs, actions);  // [4]
  ASSERT_EQ(logp.sizes(), (std::vector<int64_t>{4}));
  // The mode: Act(deterministic) returns the mean, from which the density follows.
  Rng rng(1);
  std::vector<float> mode;
  const torch::Tensor o = obs.contiguous();
  policy->Act(std::span<const float>(o.data_ptr<float>(), 12), 4, true, rng, mode);
  const double half[2] = {2.0, 0.5}, lo[2] = {-2.0, 0.0}, hi[2] = {2.0, 1.0};
  for (int i = 0; i < 4; ++i) {
    double expected = 0.0;
    for (int j = 0; j < 2; ++j) {
      const double sd = 0.25 * half[j], m = mode[i * 2 + j];
      EXPECT_GE(m, lo[j]);
      EXPECT_LE(m, hi[j]);
      const double z = (actions[i][j].item<double>() - m) / sd;
      expected += -0.5 * z * z - std::log(sd) - 0.5 * std::log(2 * M_PI);
    }
    EXPECT_NEAR(logp[i].item<double>(), expected, 1e-4);
  }
  // Sampled actions stay inside the box.
  std::vector<float> sampled;
  for (int k = 0; k < 50; ++k) {
    policy->Act(std::span<const float>(o.data_ptr<float>(), 12), 4, false, rng, sampled);
    for (int i = 0; i < 8; ++i) {
      EXPECT_GE(sampled[i], lo[i % 2]);
      EXPECT_LE(sampled[i], hi[i % 2]);
    }
  }
}

TEST(Cpl, ContinuousTrainingMovesTheMeanTowardsPreferredActions) {
  // Preferred segments apply torque +1.5 to the pendulum, dispreferred ones -1.5.
  EXPECT_GT(ActionAfterTraining("Pendulum-v1", 0.3f, 1.5f, -1.5f, 200, {1.0f, 0.0f, 0.0f}), 0.5f);
}

}  // namespace
}  // namespace rlab::prefopt
