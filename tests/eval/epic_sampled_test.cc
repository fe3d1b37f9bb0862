// Sample-based EPIC and STARC on continuous environments: invariance to potential shaping and
// positive rescaling, distance 1 for negation, symmetry, determinism and batching.
//
// Tolerances. The sampled canonicalisation uses the same (action, state) samples in every
// expectation, so shaping and rescaling cancel exactly up to float64 rounding (relative
// ~1e-15 of the rewards), not up to sampling error; the distances are then below ~1e-7
// (the standardised difference of the canonicalised rewards, halved). 1e-6 leaves room for
// the float32 true rewards and accumulated rounding.
#include "rlab/eval/epic_sampled.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <string>

#include "rlab/core/check.h"
#include "rlab/envs/registry.h"
#include "rlab/reward/signal/random_reward.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rlab::eval {
namespace {

using reward::RewardPtr;

constexpr double kEpicGamma = 0.99;
constexpr double kRounding = 1e-6;

// Small sample sizes keep each test to a second or two; the invariances are exact anyway.
EpicSamples Samples(const std::string& env, uint64_t seed) {
  return SampleEnvTransitions(env, {.num_transitions = 1024, .num_samples = 512, .seed = seed});
}

RewardPtr TrueReward(const std::string& name) {
  std::shared_ptr<const envs::VectorEnv> env = envs::Make(name, 1, 0);
  return std::make_shared<reward::EnvReward>(env);
}

// 3 x (R + gamma Phi(s') - Phi(s)) with a random potential of large scale.
RewardPtr ShapedAndScaled(const RewardPtr& base, int64_t obs_dim, uint64_t seed) {
  auto shaped = std::make_shared<reward::ShapedReward>(
      base, reward::RandomPotential(obs_dim, seed, 10.0), kEpicGamma);
  return std::make_shared<reward::ScaledReward>(shaped, 3.0);
}

RewardPtr Negated(const RewardPtr& base) {
  return std::make_shared<reward::ScaledReward>(base, -1.0);
}

// A CartPole reward that varies: minus the squared cart position and pole angle.
RewardPtr UprightReward() {
  return std::make_shared<reward::LambdaReward>(
      [](const torch::Tensor&, const torch::Tensor&, const torch::Tensor& s2) {
        return -(s2.select(1, 0).square() + s2.select(1, 2).square()).to(torch::kDouble);
      },
      "upright");
}

void ExpectInvariances(const EpicSamples& samples, const RewardPtr& r, int64_t obs_dim) {
  const SampledEpicOptions o{.gamma = kEpicGamma};
  for (uint64_t seed : {1, 2}) {
    EXPECT_LT(SampledEpicDistance(*r, *ShapedAndScaled(r, obs_dim, seed), samples, o), kRounding);
    EXPECT_LT(SampledStarcDistance(*r, *ShapedAndScaled(r, obs_dim, seed), samples, o), kRounding);
  }
  EXPECT_NEAR(SampledEpicDistance(*r, *Negated(r), samples, o), 1.0, kRounding);
  EXPECT_NEAR(SampledStarcDistance(*r, *Negated(r), samples, o), 1.0, kRounding);
  const RewardPtr random = reward::RandomReward(obs_dim, samples.actions.size(1), 5);
  const double ab = SampledEpicDistance(*r, *random, samples, o);
  EXPECT_EQ(ab, SampledEpicDistance(*random, *r, samples, o));  // symmetric, bit for bit
  EXPECT_GT(ab, 0.05);
  EXPECT_LT(ab, 0.95);
  const double starc = SampledStarcDistance(*r, *random, samples, o);
  EXPECT_NEAR(starc, SampledStarcDistance(*random, *r, samples, o), 1e-15);
  EXPECT_GT(starc, 0.05);
  EXPECT_LE(starc, 1.0);
}

TEST(SampledEpic, PendulumTrueRewardIsInvariantToShapingAndScaling) {
  envs::RegisterBuiltins();
  ExpectInvariances(Samples("Pendulum-v1", 0), TrueReward("Pendulum-v1"), 3);
}

TEST(SampledEpic, CartPoleRewardIsInvariantToShapingAndScaling) {
  envs::RegisterBuiltins();
  const EpicSamples samples = Samples("CartPole-v1", 0);
  ExpectInvariances(samples, UprightReward(), 4);
  // CartPole's own reward is 1 on every step: constant, so EPIC treats it as the zero reward.
  const RewardPtr r = TrueReward("CartPole-v1");
  const SampledCanonical c = SampledEpicCanonicalise(*r, samples, {.gamma = kEpicGamma});
  EXPECT_TRUE(c.constant);
  const SampledCanonical shaped =
      SampledEpicCanonicalise(*ShapedAndScaled(r, 4, 3), samples, {.gamma = kEpicGamma});
  EXPECT_TRUE(shaped.constant);
  EXPECT_EQ(SampledEpicDistance(c, shaped), 0.0);
  EXPECT_NEAR(SampledEpicDistance(*r, *UprightReward(), samples, {.gamma = kEpicGamma}), 0.5,
              1e-12);
}

TEST(SampledEpic, IsDeterministicAndIndependentOfBatching) {
  envs::RegisterBuiltins();
  const RewardPtr r = TrueReward("Pendulum-v1");
  const RewardPtr random = reward::RandomReward(3, 1, 9);
  const double d = SampledEpicDistance(*r, *random, Samples("Pendulum-v1", 4));
  EXPECT_EQ(d, SampledEpicDistance(*r, *random, Samples("Pendulum-v1", 4)));
  EXPECT_NE(d, SampledEpicDistance(*r, *random, Samples("Pendulum-v1", 5)));
  EXPECT_NEAR(d, SampledEpicDistance(*r, *random, Samples("Pendulum-v1", 4), {.batch_rows = 777}),
              1e-12);
}

TEST(SampledEpic, RejectsMismatchedSamples) {
  envs::RegisterBuiltins();
  EpicSamples samples = Samples("Pendulum-v1", 0);
  samples.actions = samples.actions.narrow(0, 0, 10);
  const RewardPtr r = TrueReward("Pendulum-v1");
  EXPECT_THROW(SampledEpicCanonicalise(*r, samples), Error);
}

}  // namespace
}  // namespace rlab::eval
