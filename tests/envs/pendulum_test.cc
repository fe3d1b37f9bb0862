// Pendulum-v1 transitions checked against Gymnasium's published equations, by hand:
// theta_dot' = clip(theta_dot + (3 g / (2 l) sin theta + 3 / (m l^2) u) dt, -8, 8),
// theta' = theta + theta_dot' dt, reward -(norm(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "rlab/envs/classic_env.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/pendulum.h"

namespace rlab::envs {
namespace {

TEST(Pendulum, UprightAtRestWithFullTorque) {
  std::array<double, 2> s = {0.0, 0.0};
  const float u = 2.0f;
  const Outcome out = Pendulum::Step(s.data(), &u);
  EXPECT_NEAR(out.reward, -0.004, 1e-15);  // only the torque cost 0.001 * 4
  EXPECT_NEAR(s[1], 0.3, 1e-15);           // 3 / (1 * 1) * 2 * 0.05
  EXPECT_NEAR(s[0], 0.015, 1e-15);         // 0.3 * 0.05
  EXPECT_FALSE(out.terminated);
}

TEST(Pendulum, HorizontalSwing) {
  std::array<double, 2> s = {M_PI / 2, 1.0};
  const float u = -1.0f;
  const Outcome out = Pendulum::Step(s.data(), &u);
  EXPECT_NEAR(out.reward, -(M_PI * M_PI / 4 + 0.1 + 0.001), 1e-14);
  EXPECT_NEAR(s[1], 1.6, 1e-14);  // 1 + (15 * 1 - 3) * 0.05
  EXPECT_NEAR(s[0], M_PI / 2 + 0.08, 1e-14);
}

TEST(Pendulum, ClipsSpeedBeforeIntegratingTheAngleAndClipsTorque) {
  std::array<double, 2> s = {M_PI / 2, 7.9};
  const float u = 5.0f;  // clipped to 2
  const Outcome out = Pendulum::Step(s.data(), &u);
  EXPECT_NEAR(out.reward, -(M_PI * M_PI / 4 + 0.1 * 7.9 * 7.9 + 0.004), 1e-13);
  EXPECT_EQ(s[1], 8.0);  // 7.9 + (15 + 6) * 0.05 = 8.95, clipped
  EXPECT_NEAR(s[0], M_PI / 2 + 0.4, 1e-14);
}

TEST(Pendulum, CostUsesTheNormalisedAngle) {
  EXPECT_NEAR(Pendulum::AngleNormalize(3 * M_PI / 2), -M_PI / 2, 1e-14);
  EXPECT_NEAR(Pendulum::AngleNormalize(-3 * M_PI / 2), M_PI / 2, 1e-14);
  EXPECT_NEAR(Pendulum::AngleNormalize(0.5 + 4 * M_PI), 0.5, 1e-13);
  std::array<double, 2> s = {3 * M_PI / 2, 0.0};
  const float u = 0.0f;
  EXPECT_NEAR(Pendulum::Step(s.data(), &u).reward, -M_PI * M_PI / 4, 1e-13);
}

TEST(Pendulum, ObservationIsCosSinAndSpeed) {
  const std::array<double, 2> s = {0.7, -2.5};
  std::array<float, 3> obs;
  Pendulum::Observe(s.data(), obs.data());
  EXPECT_FLOAT_EQ(obs[0], static_cast<float>(std::cos(0.7)));
  EXPECT_FLOAT_EQ(obs[1], static_cast<float>(std::sin(0.7)));
  EXPECT_FLOAT_EQ(obs[2], -2.5f);
}

TEST(Pendulum, ResetCoversEveryAngleWithSpeedInUnitInterval) {
  RegisterBuiltins();
  auto env = Make("Pendulum-v1", 512, 4);
  const StepBuffers& b = env->Reset();
  int upper_half = 0;
  for (int64_t i = 0; i < 512; ++i) {
    ASSERT_LE(std::abs(b.observations[i * 3 + 2]), 1.0f);
    upper_half += b.observations[i * 3 + 0] > 0;
  }
  EXPECT_NEAR(upper_half / 512.0, 0.5, 0.08);  // theta ~ U(-pi, pi)
}

}  // namespace
}  // namespace rlab::envs
