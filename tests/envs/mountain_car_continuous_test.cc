// MountainCarContinuous-v0 transitions checked by hand against Gymnasium's equations:
// v' = clip(v + clip(a, -1, 1) 0.0015 - 0.0025 cos(3 p), -0.07, 0.07), p' = p + v', state kept
// in float32, reward 100 [goal] - 0.1 a^2.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "rlab/envs/classic_env.h"
#include "rlab/envs/mountain_car_continuous.h"

namespace rlab::envs {
namespace {

TEST(MountainCarContinuous, HalfThrottleFromTheValley) {
  std::array<double, 2> s = {-0.5, 0.0};
  const float a = 0.5f;
  const Outcome out = MountainCarContinuous::Step(s.data(), &a);
  const double v = 0.5 * 0.0015 - 0.0025 * std::cos(-1.5);
  EXPECT_EQ(s[1], static_cast<float>(v));  // the state is stored in float32
  EXPECT_EQ(s[0], static_cast<float>(-0.5 + v));
  EXPECT_NEAR(out.reward, -0.025, 1e-15);
  EXPECT_FALSE(out.terminated);
}

TEST(MountainCarContinuous, ForceIsClippedButTheCostUsesTheRawAction) {
  std::array<double, 2> s = {-0.5, 0.0};
  const float a = 3.0f;
  const Outcome out = MountainCarContinuous::Step(s.data(), &a);
  EXPECT_EQ(s[1], static_cast<float>(0.0015 - 0.0025 * std::cos(-1.5)));
  EXPECT_NEAR(out.reward, -0.9, 1e-15);
}

TEST(MountainCarContinuous, ReachingTheFlagPaysOneHundred) {
  std::array<double, 2> s = {0.44, 0.02};
  const float a = 0.0f;
  const Outcome out = MountainCarContinuous::Step(s.data(), &a);
  EXPECT_NEAR(s[0], 0.44 + 0.02 - 0.0025 * std::cos(1.32), 1e-7);
  EXPECT_TRUE(out.terminated);
  EXPECT_EQ(out.reward, 100.0);
  const float obs[2] = {static_cast<float>(s[0]), static_cast<float>(s[1])};
  EXPECT_EQ(MountainCarContinuous::Reward(nullptr, &a, obs), 100.0);
}

TEST(MountainCarContinuous, SpacesMatchGymnasium) {
  EXPECT_EQ(MountainCarContinuous::ActionSpace().ToString(), "Box(-1.0, 1.0, (1,), float32)");
  const Space obs = MountainCarContinuous::ObservationSpace();
  EXPECT_EQ(obs.low(), (std::vector<float>{-1.2f, -0.07f}));
  EXPECT_EQ(obs.high(), (std::vector<float>{0.6f, 0.07f}));
}

}  // namespace
}  // namespace rlab::envs
