// CartPole-v1: a pole hinged on a cart that is pushed left or right; keep the pole upright.
// Dynamics from Barto, Sutton & Anderson, "Neuronlike adaptive elements that can solve
// difficult learning control problems" (IEEE SMC, 1983), with the constants, Euler
// integration, bounds, reward and time limit of Gymnasium's CartPole-v1
// (https://gymnasium.farama.org/environments/classic_control/cart_pole/).
//
// State and observation [x, x_dot, theta, theta_dot]; actions 0 (push left), 1 (push right);
// reward +1 for every step, including the one that terminates; terminated when |x| > 2.4 or
// |theta| > 12 degrees; truncated after 500 steps.
#pragma once

#include "rlab/envs/dynamics.h"

namespace rlab::envs {

struct CartPole {
  static constexpr const char* kName = "CartPole-v1";
  static constexpr const char* kHelp = "balance a pole on a cart (Discrete(2), 4-d obs)";
  static constexpr int64_t kStateDim = 4;
  static constexpr int64_t kObsDim = 4;
  static constexpr int64_t kActionDim = 1;
  static constexpr bool kDiscrete = true;
  static constexpr int64_t kMaxEpisodeSteps = 500;

  static constexpr double kGravity = 9.8;
  static constexpr double kMassCart = 1.0;
  static constexpr double kMassPole = 0.1;
  static constexpr double kTotalMass = kMassCart + kMassPole;
  static constexpr double kHalfLength = 0.5;  // half the pole's length
  static constexpr double kPoleMassLength = kMassPole * kHalfLength;
  static constexpr double kForceMag = 10.0;
  static constexpr double kTau = 0.02;  // seconds per step
  static constexpr double kThetaThreshold = 12.0 * 2.0 * 3.141592653589793 / 360.0;
  static constexpr double kXThreshold = 2.4;
  static constexpr double kResetBound = 0.05;  // every state variable ~ U(-0.05, 0.05)

  static Space ObservationSpace();
  static Space ActionSpace();
  static void ResetState(Rng& rng, double* s);       // s [4]
  static void Observe(const double* s, float* obs);  // [4] -> [4]
  static Outcome Step(double* s, int64_t action);    // advances s [4] by one step
  static double Reward(const float* obs, const float* action, const float* next_obs);
};

EnvRegistry::Entry CartPoleEntry();

}  // namespace rlab::envs
