// MountainCar-v0: an underpowered car in a valley must rock back and forth to reach the flag
// on the right hill. From Moore, "Efficient memory-based learning for robot control" (PhD
// thesis, University of Cambridge, 1990), with the constants, bounds, reward and time limit
// of Gymnasium's MountainCar-v0
// (https://gymnasium.farama.org/environments/classic_control/mountain_car/).
//
// State and observation [position, velocity]; actions 0 (push left), 1 (no push), 2 (push
// right); reward -1 per step; terminated when position >= 0.5 and velocity >= 0; truncated
// after 200 steps.
#pragma once

#include "rlab/envs/dynamics.h"

namespace rlab::envs {

struct MountainCar {
  static constexpr const char* kName = "MountainCar-v0";
  static constexpr const char* kHelp = "drive an underpowered car up a hill (Discrete(3))";
  static constexpr int64_t kStateDim = 2;
  static constexpr int64_t kObsDim = 2;
  static constexpr int64_t kActionDim = 1;
  static constexpr bool kDiscrete = true;
  static constexpr int64_t kMaxEpisodeSteps = 200;

  static constexpr double kMinPosition = -1.2;
  static constexpr double kMaxPosition = 0.6;
  static constexpr double kMaxSpeed = 0.07;
  static constexpr double kGoalPosition = 0.5;
  static constexpr double kGoalVelocity = 0.0;
  static constexpr double kForce = 0.001;
  static constexpr double kGravity = 0.0025;
  static constexpr double kResetLow = -0.6;  // position ~ U(-0.6, -0.4), velocity 0
  static constexpr double kResetHigh = -0.4;

  static Space ObservationSpace();
  static Space ActionSpace();
  static void ResetState(Rng& rng, double* s);       // s [2]
  static void Observe(const double* s, float* obs);  // [2] -> [2]
  static Outcome Step(double* s, int64_t action);
  static double Reward(const float* obs, const float* action, const float* next_obs);

  // The hill both mountain-car tasks share: velocity += push - gravity * cos(3 position),
  // clipped to the speed limit; position += velocity, clipped to the track, where the left
  // wall stops the car.
  static void Roll(double* s, double push);
};

EnvRegistry::Entry MountainCarEntry();

}  // namespace rlab::envs
