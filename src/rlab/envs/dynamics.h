// The interface of one classic-control task, as ClassicEnv (classic_env.h) runs it: static
// functions on a double-precision state, free of buffers, time limits and resets, so that
// tests can drive them from any state. See cartpole.h for a complete example.
#pragma once

#include <concepts>
#include <cstdint>

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/space.h"

namespace rlab::envs {

// What one transition of a task's dynamics yields.
struct Outcome {
  double reward;
  bool terminated;
};

// x rounded to float32 and back, for tasks whose Gymnasium state is kept in float32. The
// volatile is deliberate: g++ 12.2's vectoriser at -O2 folds a pair of adjacent
// double -> float -> double conversions away, losing the rounding.
inline double RoundToFloat32(double x) {
  volatile float rounded = static_cast<float>(x);
  return rounded;
}

// A task: its Gymnasium id and help (kName, kHelp), sizes (kStateDim, kObsDim, kActionDim),
// default time limit (kMaxEpisodeSteps), kDiscrete, and
//   ObservationSpace(), ActionSpace();
//   ResetState(rng, s)           draws a first state s [kStateDim];
//   Observe(s, obs)              writes obs [kObsDim];
//   Step(s, action) -> Outcome   advances s; action is an index or float [kActionDim];
//   Reward(obs, action, next)    the reward of a stored transition, from observations.
template <class D>
concept Dynamics = requires(Rng& rng, double* s, float* obs, const float* f) {
  { D::kName } -> std::convertible_to<const char*>;
  { D::kHelp } -> std::convertible_to<const char*>;
  { D::kStateDim } -> std::convertible_to<int64_t>;
  { D::kObsDim } -> std::convertible_to<int64_t>;
  { D::kActionDim } -> std::convertible_to<int64_t>;
  { D::kMaxEpisodeSteps } -> std::convertible_to<int64_t>;
  { D::kDiscrete } -> std::convertible_to<bool>;
  { D::ObservationSpace() } -> std::same_as<Space>;
  { D::ActionSpace() } -> std::same_as<Space>;
  D::ResetState(rng, s);
  D::Observe(s, obs);
  { D::Reward(f, f, f) } -> std::convertible_to<double>;
};

}  // namespace rlab::envs
