// MountainCar-v0 transitions checked against Moore's (1990) dynamics as Gymnasium states
// them: v' = clip(v + (a - 1) 0.001 - 0.0025 cos(3 p), -0.07, 0.07), p' = clip(p + v',
// -1.2, 0.6), the left wall stopping the car.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "rlab/envs/classic_env.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/mountain_car.h"

namespace rlab::envs {
namespace {

TEST(MountainCar, PushRightFromTheValley) {
  std::array<double, 2> s = {-0.5, 0.0};
  const Outcome out = MountainCar::Step(s.data(), 2);
  const double v = 0.001 - 0.0025 * std::cos(-1.5);  // 0.000823157...
  EXPECT_NEAR(s[1], v, 1e-17);
  EXPECT_NEAR(s[1], 0.00082315699, 1e-11);
  EXPECT_NEAR(s[0], -0.5 + v, 1e-16);
  EXPECT_EQ(out.reward, -1.0);
  EXPECT_FALSE(out.terminated);
}

TEST(MountainCar, LeftWallStopsTheCar) {
  std::array<double, 2> s = {-1.19, -0.05};
  MountainCar::Step(s.data(), 0);
  EXPECT_EQ(s[0], -1.2);
  EXPECT_EQ(s[1], 0.0);
}

TEST(MountainCar, SpeedIsClipped) {
  std::array<double, 2> s = {-0.52, 0.0695};  // 0.0695 + 0.001 - 0.0025 cos(-1.56) > 0.07
  MountainCar::Step(s.data(), 2);
  EXPECT_EQ(s[1], 0.07);
  EXPECT_NEAR(s[0], -0.45, 1e-15);
}

TEST(MountainCar, ReachingTheFlagTerminates) {
  std::array<double, 2> s = {0.49, 0.02};
  const Outcome out = MountainCar::Step(s.data(), 1);
  EXPECT_NEAR(s[1], 0.02 - 0.0025 * std::cos(1.47), 1e-17);
  EXPECT_TRUE(out.terminated);
  EXPECT_EQ(out.reward, -1.0);
  std::array<double, 2> short_of_it = {0.45, 0.02};
  EXPECT_FALSE(MountainCar::Step(short_of_it.data(), 1).terminated);  // p' ~ 0.4698
}

TEST(MountainCar, ResetPutsTheCarAtRestBetweenMinus06AndMinus04) {
  RegisterBuiltins();
  auto env = Make("MountainCar-v0", 256, 5);
  const StepBuffers& b = env->Reset();
  for (int64_t i = 0; i < 256; ++i) {
    EXPECT_GE(b.observations[2 * i], -0.6f);
    EXPECT_LE(b.observations[2 * i], -0.4f);
    EXPECT_EQ(b.observations[2 * i + 1], 0.0f);
  }
}

}  // namespace
}  // namespace rlab::envs
