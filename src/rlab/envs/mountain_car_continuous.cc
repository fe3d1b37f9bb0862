#include "rlab/envs/mountain_car_continuous.h"

#include <algorithm>

#include "rlab/envs/classic_env.h"
#include "rlab/envs/mountain_car.h"

namespace rlab::envs {

namespace {
double RewardOf(bool reached_goal, double action) {
  return (reached_goal ? MountainCarContinuous::kGoalReward : 0.0) -
         action * action * MountainCarContinuous::kActionCost;
}
}  // namespace

Space MountainCarContinuous::ObservationSpace() { return MountainCar::ObservationSpace(); }

Space MountainCarContinuous::ActionSpace() {
  return Space::Box(static_cast<float>(kMinAction), static_cast<float>(kMaxAction), {1});
}

void MountainCarContinuous::ResetState(Rng& rng, double* s) { MountainCar::ResetState(rng, s); }

void MountainCarContinuous::Observe(const double* s, float* obs) { MountainCar::Observe(s, obs); }

Outcome MountainCarContinuous::Step(double* s, const float* action) {
  const double a = action[0];
  MountainCar::Roll(s, std::clamp(a, kMinAction, kMaxAction) * kPower);
  const bool reached_goal = s[0] >= kGoalPosition && s[1] >= kGoalVelocity;
  s[0] = RoundToFloat32(s[0]);
  s[1] = RoundToFloat32(s[1]);
  return {RewardOf(reached_goal, a), reached_goal};
}

double MountainCarContinuous::Reward(const float*, const float* action, const float* next_obs) {
  const bool reached_goal = next_obs[0] >= kGoalPosition && next_obs[1] >= kGoalVelocity;
  return RewardOf(reached_goal, action[0]);
}

EnvRegistry::Entry MountainCarContinuousEntry() { return ClassicEntry<MountainCarContinuous>(); }

}  // namespace rlab::envs
