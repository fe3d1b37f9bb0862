#include "rlab/envs/pendulum.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "rlab/envs/classic_env.h"

namespace rlab::envs {

namespace {
constexpr double kPi = std::numbers::pi;

double Cost(double theta, double theta_dot, double torque) {
  const double th = Pendulum::AngleNormalize(theta);
  return th * th + 0.1 * theta_dot * theta_dot + 0.001 * torque * torque;
}
}  // namespace

Space Pendulum::ObservationSpace() {
  const float v = static_cast<float>(kMaxSpeed);
  return Space::Box({-1.0f, -1.0f, -v}, {1.0f, 1.0f, v});
}

Space Pendulum::ActionSpace() {
  const float t = static_cast<float>(kMaxTorque);
  return Space::Box(-t, t, {1});
}

double Pendulum::AngleNormalize(double theta) {
  double r = std::fmod(theta + kPi, 2 * kPi);
  if (r < 0) r += 2 * kPi;
  return r - kPi;
}

void Pendulum::ResetState(Rng& rng, double* s) {
  s[0] = rng.Uniform(-kPi, kPi);
  s[1] = rng.Uniform(-kResetSpeed, kResetSpeed);
}

void Pendulum::Observe(const double* s, float* obs) {
  obs[0] = static_cast<float>(std::cos(s[0]));
  obs[1] = static_cast<float>(std::sin(s[0]));
  obs[2] = static_cast<float>(s[1]);
}

Outcome Pendulum::Step(double* s, const float* action) {
  const double theta = s[0], theta_dot = s[1];
  const double u = std::clamp(static_cast<double>(action[0]), -kMaxTorque, kMaxTorque);
  const double cost = Cost(theta, theta_dot, u);
  double new_theta_dot = theta_dot + (3 * kGravity / (2 * kLength) * std::sin(theta) +
                                      3.0 / (kMass * kLength * kLength) * u) *
                                         kDt;
  new_theta_dot = std::clamp(new_theta_dot, -kMaxSpeed, kMaxSpeed);
  s[0] = theta + new_theta_dot * kDt;
  s[1] = new_theta_dot;
  return {-cost, false};
}

double Pendulum::Reward(const float* obs, const float* action, const float*) {
  const double theta = std::atan2(static_cast<double>(obs[1]), static_cast<double>(obs[0]));
  const double u = std::clamp(static_cast<double>(action[0]), -kMaxTorque, kMaxTorque);
  return -Cost(theta, obs[2], u);
}

EnvRegistry::Entry PendulumEntry() { return ClassicEntry<Pendulum>(); }

}  // namespace rlab::envs
