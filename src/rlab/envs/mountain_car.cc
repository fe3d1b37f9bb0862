#include "rlab/envs/mountain_car.h"

#include <algorithm>
#include <cmath>

#include "rlab/envs/classic_env.h"

namespace rlab::envs {

Space MountainCar::ObservationSpace() {
  return Space::Box({static_cast<float>(kMinPosition), static_cast<float>(-kMaxSpeed)},
                    {static_cast<float>(kMaxPosition), static_cast<float>(kMaxSpeed)});
}

Space MountainCar::ActionSpace() { return Space::Discrete(3); }

void MountainCar::ResetState(Rng& rng, double* s) {
  s[0] = rng.Uniform(kResetLow, kResetHigh);
  s[1] = 0.0;
}

void MountainCar::Observe(const double* s, float* obs) {
  obs[0] = static_cast<float>(s[0]);
  obs[1] = static_cast<float>(s[1]);
}

void MountainCar::Roll(double* s, double push) {
  double position = s[0];
  double velocity = s[1] + (push - kGravity * std::cos(3 * position));
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  position = std::clamp(position + velocity, kMinPosition, kMaxPosition);
  if (position == kMinPosition && velocity < 0) velocity = 0.0;
  s[0] = position;
  s[1] = velocity;
}

Outcome MountainCar::Step(double* s, int64_t action) {
  Roll(s, static_cast<double>(action - 1) * kForce);
  return {-1.0, s[0] >= kGoalPosition && s[1] >= kGoalVelocity};
}

double MountainCar::Reward(const float*, const float*, const float*) { return -1.0; }

EnvRegistry::Entry MountainCarEntry() { return ClassicEntry<MountainCar>(); }

}  // namespace rlab::envs
