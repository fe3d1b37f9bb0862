// Acrobot-v1 checked against the book dynamics of Sutton & Barto as Gymnasium states them,
// integrated by one classical Runge-Kutta step of 0.2 s.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "rlab/envs/acrobot.h"
#include "rlab/envs/classic_env.h"
#include "rlab/envs/registry.h"

namespace rlab::envs {
namespace {

using State = std::array<double, 4>;

// The published equations, written out with Gymnasium's constants (m = l = 1, lc = 0.5,
// I = 1, g = 9.8).
State BookDerivatives(const State& s, double a) {
  const double t1 = s[0], t2 = s[1], w1 = s[2], w2 = s[3];
  const double d1 = 0.25 + (1 + 0.25 + std::cos(t2)) + 2;
  const double d2 = (0.25 + 0.5 * std::cos(t2)) + 1;
  const double phi2 = 0.5 * 9.8 * std::cos(t1 + t2 - M_PI / 2);
  const double phi1 = -0.5 * w2 * w2 * std::sin(t2) - w2 * w1 * std::sin(t2) +
                      1.5 * 9.8 * std::cos(t1 - M_PI / 2) + phi2;
  const double dd2 =
      (a + d2 / d1 * phi1 - 0.5 * w1 * w1 * std::sin(t2) - phi2) / (0.25 + 1 - d2 * d2 / d1);
  const double dd1 = -(d2 * dd2 + phi1) / d1;
  return {w1, w2, dd1, dd2};
}

TEST(Acrobot, DerivativesAtRestMatchClosedForm) {
  // Hanging at rest: d1 = 4.5, d2 = 1.75, phi = 0, so theta2'' = a / (1.25 - 1.75^2 / 4.5)
  // = 72/41 a and theta1'' = -1.75 theta2'' / 4.5 = -28/41 a.
  const State d = Acrobot::Derivatives({0, 0, 0, 0}, 1.0);
  EXPECT_NEAR(d[0], 0.0, 1e-15);
  EXPECT_NEAR(d[1], 0.0, 1e-15);
  EXPECT_NEAR(d[2], -28.0 / 41.0, 1e-12);
  EXPECT_NEAR(d[3], 72.0 / 41.0, 1e-12);
}

TEST(Acrobot, DerivativesMatchTheBookEquationsAwayFromRest) {
  const State s = {0.4, -1.1, 0.7, -2.3};
  const State d = Acrobot::Derivatives(s, -1.0);
  const State e = BookDerivatives(s, -1.0);
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(d[k], e[k], 1e-12) << k;
}

TEST(Acrobot, StepIsOneRungeKuttaStepThenWrapAndBound) {
  const State s0 = {2.9, 1.2, 1.5, -3.0};
  const double h = 0.2, a = 1.0;
  const auto add = [](const State& y, double c, const State& k) {
    return State{y[0] + c * k[0], y[1] + c * k[1], y[2] + c * k[2], y[3] + c * k[3]};
  };
  const State k1 = BookDerivatives(s0, a);
  const State k2 = BookDerivatives(add(s0, h / 2, k1), a);
  const State k3 = BookDerivatives(add(s0, h / 2, k2), a);
  const State k4 = BookDerivatives(add(s0, h, k3), a);
  State expected;
  for (int k = 0; k < 4; ++k) expected[k] = s0[k] + h / 6 * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
  // theta1 passes pi here and wraps to the negative side.
  ASSERT_GT(expected[0], M_PI);
  expected[0] -= 2 * M_PI;

  State s = s0;
  const Outcome out = Acrobot::Step(s.data(), 2);  // action 2 = torque +1
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(s[k], expected[k], 1e-12) << k;
  const double height = -std::cos(s[0]) - std::cos(s[0] + s[1]);
  EXPECT_EQ(out.terminated, height > 1.0);
  EXPECT_EQ(out.reward, out.terminated ? 0.0 : -1.0);
}

TEST(Acrobot, WrapAndVelocityBounds) {
  EXPECT_NEAR(Acrobot::Wrap(4.0, -M_PI, M_PI), 4.0 - 2 * M_PI, 1e-15);
  EXPECT_NEAR(Acrobot::Wrap(-7.0, -M_PI, M_PI), -7.0 + 2 * M_PI, 1e-15);
  EXPECT_NEAR(Acrobot::Wrap(-10.0, -M_PI, M_PI), -10.0 + 4 * M_PI, 1e-14);
  State fast = {0.0, 0.0, 0.0, 9 * M_PI};
  Acrobot::Step(fast.data(), 2);
  EXPECT_LE(std::abs(fast[2]), 4 * M_PI);
  EXPECT_LE(std::abs(fast[3]), 9 * M_PI);
}

TEST(Acrobot, ArmAboveTheBarTerminatesWithZeroReward) {
  State up = {3.0, 0.0, 0.0, 0.0};  // nearly upright: -cos(3) - cos(3) = 1.98
  const Outcome out = Acrobot::Step(up.data(), 1);
  EXPECT_TRUE(out.terminated);
  EXPECT_EQ(out.reward, 0.0);
  State down = {0.0, 0.0, 0.0, 0.0};
  const Outcome hanging = Acrobot::Step(down.data(), 1);
  EXPECT_FALSE(hanging.terminated);
  EXPECT_EQ(hanging.reward, -1.0);
}

TEST(Acrobot, ResetIsSmallAndInFloat32) {
  Rng rng(1);
  std::array<double, 4> first;
  Acrobot::ResetState(rng, first.data());
  for (double v : first) {
    EXPECT_EQ(v, static_cast<double>(static_cast<float>(v)));  // Gymnasium casts to float32
    EXPECT_LE(std::abs(v), 0.1);
  }
  RegisterBuiltins();
  auto env = Make("Acrobot-v1", 256, 6);
  const StepBuffers& b = env->Reset();
  for (int64_t i = 0; i < 256; ++i) {
    const float* o = &b.observations[i * 6];
    EXPECT_GE(o[0], std::cos(0.1f) - 1e-6f);  // |theta1| <= 0.1
    EXPECT_LE(std::abs(o[1]), std::sin(0.1f) + 1e-6f);
    EXPECT_LE(std::abs(o[4]), 0.1f);
    EXPECT_LE(std::abs(o[5]), 0.1f);
  }
}

}  // namespace
}  // namespace rlab::envs
