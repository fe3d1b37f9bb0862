// Pendulum-v1: swing a frictionless pendulum up from a random angle and hold it upright with
// a bounded torque. The inverted-pendulum swing-up of classical control theory, with the
// equations, constants, cost, bounds and time limit of Gymnasium's Pendulum-v1
// (https://gymnasium.farama.org/environments/classic_control/pendulum/).
//
// State [theta, theta_dot] (theta = 0 upright); observation [cos theta, sin theta, theta_dot];
// action [torque] clipped to [-2, 2]; reward -(norm(theta)^2 + 0.1 theta_dot^2 +
// 0.001 torque^2) on the state before the step; never terminates; truncated after 200 steps.
#pragma once

#include "rlab/envs/dynamics.h"

namespace rlab::envs {

struct Pendulum {
  static constexpr const char* kName = "Pendulum-v1";
  static constexpr const char* kHelp = "swing a pendulum upright (Box(-2, 2, (1,)), 3-d obs)";
  static constexpr int64_t kStateDim = 2;
  static constexpr int64_t kObsDim = 3;
  static constexpr int64_t kActionDim = 1;
  static constexpr bool kDiscrete = false;
  static constexpr int64_t kMaxEpisodeSteps = 200;

  static constexpr double kMaxSpeed = 8.0;
  static constexpr double kMaxTorque = 2.0;
  static constexpr double kDt = 0.05;
  static constexpr double kGravity = 10.0;
  static constexpr double kMass = 1.0;
  static constexpr double kLength = 1.0;
  static constexpr double kResetSpeed = 1.0;  // theta ~ U(-pi, pi), theta_dot ~ U(-1, 1)

  static Space ObservationSpace();
  static Space ActionSpace();
  static void ResetState(Rng& rng, double* s);          // s [2]
  static void Observe(const double* s, float* obs);     // [2] -> [3]
  static Outcome Step(double* s, const float* action);  // action [1]
  static double Reward(const float* obs, const float* action, const float* next_obs);
  // theta mapped to [-pi, pi): ((theta + pi) mod 2 pi) - pi with a floored modulo.
  static double AngleNormalize(double theta);
};

EnvRegistry::Entry PendulumEntry();

}  // namespace rlab::envs
