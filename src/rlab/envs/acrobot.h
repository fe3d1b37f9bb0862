// Acrobot-v1: two links hanging from a fixed joint, torque only at the joint between them;
// swing the free end above the bar. From Sutton, "Generalization in reinforcement learning:
// successful examples using sparse coarse coding" (NeurIPS 8, 1996) and Sutton & Barto,
// "Reinforcement Learning: An Introduction" (the book's dynamics, as Gymnasium's default
// book_or_nips = "book"), integrated with one classical Runge-Kutta (RK4) step of 0.2 s, with
// the constants, bounds, reward and time limit of Gymnasium's Acrobot-v1
// (https://gymnasium.farama.org/environments/classic_control/acrobot/).
//
// State [theta1, theta2, dtheta1, dtheta2]; observation [cos theta1, sin theta1, cos theta2,
// sin theta2, dtheta1, dtheta2]; actions 0, 1, 2 apply torque -1, 0, +1; reward -1 per step
// and 0 on the step that terminates; terminated when -cos(theta1) - cos(theta1 + theta2) > 1;
// truncated after 500 steps.
#pragma once

#include <array>

#include "rlab/envs/dynamics.h"

namespace rlab::envs {

struct Acrobot {
  static constexpr const char* kName = "Acrobot-v1";
  static constexpr const char* kHelp = "swing up a two-link arm (Discrete(3), 6-d obs)";
  static constexpr int64_t kStateDim = 4;
  static constexpr int64_t kObsDim = 6;
  static constexpr int64_t kActionDim = 1;
  static constexpr bool kDiscrete = true;
  static constexpr int64_t kMaxEpisodeSteps = 500;

  static constexpr double kPi = 3.141592653589793;
  static constexpr double kDt = 0.2;
  static constexpr double kLinkLength1 = 1.0;
  static constexpr double kLinkMass1 = 1.0;
  static constexpr double kLinkMass2 = 1.0;
  static constexpr double kLinkCom1 = 0.5;  // position of each link's centre of mass
  static constexpr double kLinkCom2 = 0.5;
  static constexpr double kLinkMoi = 1.0;  // moment of inertia of both links
  static constexpr double kGravity = 9.8;
  static constexpr double kMaxVel1 = 4 * kPi;
  static constexpr double kMaxVel2 = 9 * kPi;
  static constexpr double kResetBound = 0.1;  // every state variable ~ U(-0.1, 0.1)
  static constexpr std::array<double, 3> kTorques = {-1.0, 0.0, 1.0};

  static Space ObservationSpace();
  static Space ActionSpace();
  static void ResetState(Rng& rng, double* s);       // s [4]
  static void Observe(const double* s, float* obs);  // [4] -> [6]
  static Outcome Step(double* s, int64_t action);
  static double Reward(const float* obs, const float* action, const float* next_obs);

  // d/dt of the state [4] under `torque` (the book's equations).
  static std::array<double, 4> Derivatives(const std::array<double, 4>& s, double torque);
  // Maps x into [lo, hi] by whole turns of (hi - lo).
  static double Wrap(double x, double lo, double hi);
};

EnvRegistry::Entry AcrobotEntry();

}  // namespace rlab::envs
