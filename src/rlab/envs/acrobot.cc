#include "rlab/envs/acrobot.h"

#include <algorithm>
#include <cmath>

#include "rlab/envs/classic_env.h"

namespace rlab::envs {

namespace {
using State = std::array<double, 4>;

State Axpy(const State& y, double h, const State& k) {  // y + h k
  return {y[0] + h * k[0], y[1] + h * k[1], y[2] + h * k[2], y[3] + h * k[3]};
}

bool Terminal(double cos_theta1, double cos_theta12) { return -cos_theta1 - cos_theta12 > 1.0; }
}  // namespace

Space Acrobot::ObservationSpace() {
  const float v1 = static_cast<float>(kMaxVel1), v2 = static_cast<float>(kMaxVel2);
  return Space::Box({-1, -1, -1, -1, -v1, -v2}, {1, 1, 1, 1, v1, v2});
}

Space Acrobot::ActionSpace() { return Space::Discrete(3); }

void Acrobot::ResetState(Rng& rng, double* s) {
  // Gymnasium keeps the initial state in float32.
  for (int k = 0; k < 4; ++k) s[k] = RoundToFloat32(rng.Uniform(-kResetBound, kResetBound));
}

void Acrobot::Observe(const double* s, float* obs) {
  obs[0] = static_cast<float>(std::cos(s[0]));
  obs[1] = static_cast<float>(std::sin(s[0]));
  obs[2] = static_cast<float>(std::cos(s[1]));
  obs[3] = static_cast<float>(std::sin(s[1]));
  obs[4] = static_cast<float>(s[2]);
  obs[5] = static_cast<float>(s[3]);
}

std::array<double, 4> Acrobot::Derivatives(const std::array<double, 4>& s, double torque) {
  constexpr double m1 = kLinkMass1, m2 = kLinkMass2, l1 = kLinkLength1;
  constexpr double lc1 = kLinkCom1, lc2 = kLinkCom2, i1 = kLinkMoi, i2 = kLinkMoi;
  constexpr double g = kGravity;
  const double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];
  const double d1 =
      m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * std::cos(theta2)) + i1 + i2;
  const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * std::cos(theta2)) + i2;
  const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - kPi / 2.0);
  const double phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * std::sin(theta2) -
                      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                      (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - kPi / 2) + phi2;
  const double ddtheta2 =
      (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * std::sin(theta2) - phi2) /
      (m2 * lc2 * lc2 + i2 - d2 * d2 / d1);
  const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return {dtheta1, dtheta2, ddtheta1, ddtheta2};
}

double Acrobot::Wrap(double x, double lo, double hi) {
  const double turn = hi - lo;
  while (x > hi) x -= turn;
  while (x < lo) x += turn;
  return x;
}

Outcome Acrobot::Step(double* s, int64_t action) {
  const double torque = kTorques[action];
  const State y = {s[0], s[1], s[2], s[3]};
  const State k1 = Derivatives(y, torque);
  const State k2 = Derivatives(Axpy(y, kDt / 2.0, k1), torque);
  const State k3 = Derivatives(Axpy(y, kDt / 2.0, k2), torque);
  const State k4 = Derivatives(Axpy(y, kDt, k3), torque);
  State next;
  for (int k = 0; k < 4; ++k) {
    next[k] = y[k] + kDt / 6.0 * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
  }
  s[0] = Wrap(next[0], -kPi, kPi);
  s[1] = Wrap(next[1], -kPi, kPi);
  s[2] = std::clamp(next[2], -kMaxVel1, kMaxVel1);
  s[3] = std::clamp(next[3], -kMaxVel2, kMaxVel2);
  const bool terminated = Terminal(std::cos(s[0]), std::cos(s[1] + s[0]));
  return {terminated ? 0.0 : -1.0, terminated};
}

double Acrobot::Reward(const float*, const float*, const float* next_obs) {
  const double c1 = next_obs[0], s1 = next_obs[1], c2 = next_obs[2], s2 = next_obs[3];
  return Terminal(c1, c1 * c2 - s1 * s2) ? 0.0 : -1.0;
}

EnvRegistry::Entry AcrobotEntry() { return ClassicEntry<Acrobot>(); }

}  // namespace rlab::envs
