// MountainCarContinuous-v0: the mountain car (Moore 1990; see mountain_car.h) driven by a
// continuous force, with the constants, reward, bounds and time limit of Gymnasium's
// MountainCarContinuous-v0
// (https://gymnasium.farama.org/environments/classic_control/mountain_car_continuous/).
//
// State and observation [position, velocity], stored in float32 after every step as
// Gymnasium does; action [force] clipped to [-1, 1] and scaled by 0.0015; reward
// 100 on reaching the goal minus 0.1 force^2 (of the unclipped action); terminated when
// position >= 0.45 and velocity >= 0; truncated after 999 steps.
#pragma once

#include "rlab/envs/dynamics.h"

namespace rlab::envs {

struct MountainCarContinuous {
  static constexpr const char* kName = "MountainCarContinuous-v0";
  static constexpr const char* kHelp = "mountain car with a continuous force (Box(-1, 1, (1,)))";
  static constexpr int64_t kStateDim = 2;
  static constexpr int64_t kObsDim = 2;
  static constexpr int64_t kActionDim = 1;
  static constexpr bool kDiscrete = false;
  static constexpr int64_t kMaxEpisodeSteps = 999;

  static constexpr double kMinAction = -1.0;
  static constexpr double kMaxAction = 1.0;
  static constexpr double kPower = 0.0015;
  static constexpr double kGoalPosition = 0.45;
  static constexpr double kGoalVelocity = 0.0;
  static constexpr double kGoalReward = 100.0;
  static constexpr double kActionCost = 0.1;

  static Space ObservationSpace();
  static Space ActionSpace();
  static void ResetState(Rng& rng, double* s);          // s [2]
  static void Observe(const double* s, float* obs);     // [2] -> [2]
  static Outcome Step(double* s, const float* action);  // action [1]
  static double Reward(const float* obs, const float* action, const float* next_obs);
};

EnvRegistry::Entry MountainCarContinuousEntry();

}  // namespace rlab::envs
