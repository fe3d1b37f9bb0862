// CartPole-v1 transitions checked against the equations of Barto, Sutton & Anderson (1983)
// as Gymnasium states them, worked out by hand.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "rlab/envs/cartpole.h"
#include "rlab/envs/classic_env.h"
#include "rlab/envs/registry.h"

namespace rlab::envs {
namespace {

TEST(CartPole, PushFromRestUprightMatchesClosedForm) {
  // theta = 0: temp = F / (mc + mp) = 100/11; theta_acc = -temp / (l (4/3 - mp/(mc + mp)))
  // = -(100/11) / (41/66) = -600/41; x_acc = temp - mp l theta_acc / (mc + mp) = 400/41.
  std::array<double, 4> s = {0, 0, 0, 0};
  const Outcome out = CartPole::Step(s.data(), 1);
  EXPECT_DOUBLE_EQ(s[0], 0.0);
  EXPECT_NEAR(s[1], 0.02 * 400.0 / 41.0, 1e-14);
  EXPECT_DOUBLE_EQ(s[2], 0.0);
  EXPECT_NEAR(s[3], -0.02 * 600.0 / 41.0, 1e-14);
  EXPECT_EQ(out.reward, 1.0);
  EXPECT_FALSE(out.terminated);

  std::array<double, 4> left = {0, 0, 0, 0};
  CartPole::Step(left.data(), 0);
  EXPECT_NEAR(left[1], -0.02 * 400.0 / 41.0, 1e-14);
  EXPECT_NEAR(left[3], 0.02 * 600.0 / 41.0, 1e-14);
}

TEST(CartPole, GeneralStateFollowsTheEquationsWithEulerSteps) {
  const double x = 0.01, x_dot = -0.02, th = 0.03, th_dot = 0.04;
  const double f = -10.0;  // action 0
  const double temp = (f + 0.1 * 0.5 * th_dot * th_dot * std::sin(th)) / 1.1;
  const double th_acc = (9.8 * std::sin(th) - std::cos(th) * temp) /
                        (0.5 * (4.0 / 3.0 - 0.1 * std::cos(th) * std::cos(th) / 1.1));
  const double x_acc = temp - 0.1 * 0.5 * th_acc * std::cos(th) / 1.1;
  std::array<double, 4> s = {x, x_dot, th, th_dot};
  CartPole::Step(s.data(), 0);
  EXPECT_NEAR(s[0], 0.0096, 1e-15);  // x + 0.02 x_dot: the old velocity
  EXPECT_NEAR(s[1], x_dot + 0.02 * x_acc, 1e-14);
  EXPECT_NEAR(s[2], 0.0308, 1e-15);
  EXPECT_NEAR(s[3], th_dot + 0.02 * th_acc, 1e-14);
}

TEST(CartPole, TerminatesPastTheCartAndAngleThresholds) {
  std::array<double, 4> cart = {2.39, 1.0, 0.0, 0.0};  // x' = 2.41 > 2.4
  Outcome out = CartPole::Step(cart.data(), 1);
  EXPECT_TRUE(out.terminated);
  EXPECT_EQ(out.reward, 1.0);  // v1 rewards the terminating step too

  const double limit = 12 * 2 * M_PI / 360;                     // 0.2094 rad
  std::array<double, 4> pole = {0.0, 0.0, limit - 0.001, 0.1};  // theta' = limit + 0.001
  EXPECT_TRUE(CartPole::Step(pole.data(), 0).terminated);
  std::array<double, 4> inside = {0.0, 0.0, limit - 0.003, 0.1};  // theta' = limit - 0.001
  EXPECT_FALSE(CartPole::Step(inside.data(), 0).terminated);
}

TEST(CartPole, ResetDrawsEveryVariableFromUniformMinus005To005) {
  RegisterBuiltins();
  auto env = Make("CartPole-v1", 512, 3);
  const StepBuffers& b = env->Reset();
  double sum = 0, sum_sq = 0;
  for (float v : b.observations) {
    ASSERT_LE(std::abs(v), 0.05f);
    sum += v;
    sum_sq += v * v;
  }
  const double n = static_cast<double>(b.observations.size());
  EXPECT_NEAR(sum / n, 0.0, 0.005);
  EXPECT_NEAR(sum_sq / n, 0.05 * 0.05 / 3.0, 1.5e-4);  // variance of U(-a, a) is a^2/3
}

TEST(CartPole, SpacesMatchGymnasium) {
  EXPECT_EQ(CartPole::ActionSpace().ToString(), "Discrete(2)");
  const Space obs = CartPole::ObservationSpace();
  EXPECT_FLOAT_EQ(obs.high()[0], 4.8f);
  EXPECT_FLOAT_EQ(obs.high()[2], static_cast<float>(2 * 12 * 2 * M_PI / 360));
  EXPECT_EQ(obs.high()[1], std::numeric_limits<float>::max());
}

}  // namespace
}  // namespace rlab::envs
