#include "rlab/envs/cartpole.h"

#include <cmath>
#include <limits>

#include "rlab/envs/classic_env.h"

namespace rlab::envs {

Space CartPole::ObservationSpace() {
  const float inf = std::numeric_limits<float>::max();
  const float x = static_cast<float>(2 * kXThreshold);
  const float theta = static_cast<float>(2 * kThetaThreshold);
  return Space::Box({-x, -inf, -theta, -inf}, {x, inf, theta, inf});
}

Space CartPole::ActionSpace() { return Space::Discrete(2); }

void CartPole::ResetState(Rng& rng, double* s) {
  for (int k = 0; k < 4; ++k) s[k] = rng.Uniform(-kResetBound, kResetBound);
}

void CartPole::Observe(const double* s, float* obs) {
  for (int k = 0; k < 4; ++k) obs[k] = static_cast<float>(s[k]);
}

Outcome CartPole::Step(double* s, int64_t action) {
  const double x = s[0], x_dot = s[1], theta = s[2], theta_dot = s[3];
  const double force = action == 1 ? kForceMag : -kForceMag;
  const double cos_t = std::cos(theta);
  const double sin_t = std::sin(theta);
  const double temp = (force + kPoleMassLength * theta_dot * theta_dot * sin_t) / kTotalMass;
  const double theta_acc = (kGravity * sin_t - cos_t * temp) /
                           (kHalfLength * (4.0 / 3.0 - kMassPole * cos_t * cos_t / kTotalMass));
  const double x_acc = temp - kPoleMassLength * theta_acc * cos_t / kTotalMass;
  // Explicit Euler: positions advance with the old velocities.
  s[0] = x + kTau * x_dot;
  s[1] = x_dot + kTau * x_acc;
  s[2] = theta + kTau * theta_dot;
  s[3] = theta_dot + kTau * theta_acc;
  const bool terminated = s[0] < -kXThreshold || s[0] > kXThreshold || s[2] < -kThetaThreshold ||
                          s[2] > kThetaThreshold;
  return {1.0, terminated};
}

double CartPole::Reward(const float*, const float*, const float*) { return 1.0; }

EnvRegistry::Entry CartPoleEntry() { return ClassicEntry<CartPole>(); }

}  // namespace rlab::envs
