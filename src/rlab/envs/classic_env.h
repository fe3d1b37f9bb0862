// The vector environment shared by the classic-control tasks. Each task is a `Dynamics`
// struct of static functions on a double-precision state (dynamics.h); this template
// adds what every task needs around them: N copies on contiguous buffers, the time limit,
// automatic reset, per-environment generators and episode statistics. Include it only from
// a task's .cc, where the step loop is instantiated with the task's dynamics inlined.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/envs/dynamics.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/vector_env.h"

namespace rlab::envs {

template <Dynamics D>
class ClassicEnv final : public VectorEnv {
 public:
  static constexpr int64_t kS = D::kStateDim;
  static constexpr int64_t kO = D::kObsDim;

  ClassicEnv(int64_t num_envs, uint64_t seed, int64_t max_episode_steps)
      : VectorEnv(D::kName, num_envs, D::ObservationSpace(), D::ActionSpace(), max_episode_steps),
        state_(num_envs * kS),
        steps_(num_envs),
        returns_(num_envs),
        rngs_(num_envs) {
    Seed(seed);
  }

 private:
  void Seed(uint64_t seed) {
    for (int64_t i = 0; i < num_envs(); ++i) rngs_[i] = Rng(EnvSeed(seed, i));
  }

  void DoReset(bool reseed, uint64_t seed) override {
    if (reseed) Seed(seed);
    StepBuffers& b = buffers_;
    for (int64_t i = 0; i < num_envs(); ++i) {
      D::ResetState(rngs_[i], &state_[i * kS]);
      D::Observe(&state_[i * kS], &b.observations[i * kO]);
    }
    b.next_observations = b.observations;
    std::fill(b.rewards.begin(), b.rewards.end(), 0.0f);
    std::fill(b.terminated.begin(), b.terminated.end(), 0);
    std::fill(b.truncated.begin(), b.truncated.end(), 0);
    std::fill(b.done.begin(), b.done.end(), 0);
    std::fill(b.episode_returns.begin(), b.episode_returns.end(), 0.0);
    std::fill(b.episode_lengths.begin(), b.episode_lengths.end(), 0);
    std::fill(steps_.begin(), steps_.end(), 0);
    std::fill(returns_.begin(), returns_.end(), 0.0);
  }

  void DoStep(const int64_t* discrete, const float* box) override {
    StepBuffers& b = buffers_;
    const int64_t n = num_envs();
    const int64_t limit = max_episode_steps();
    double* state = state_.data();
    float* obs = b.observations.data();
    float* next = b.next_observations.data();
    for (int64_t i = 0; i < n; ++i) {
      double* s = state + i * kS;
      Outcome out;
      if constexpr (D::kDiscrete) {
        out = D::Step(s, discrete[i]);
      } else {
        out = D::Step(s, box + i * D::kActionDim);
      }
      float* next_row = next + i * kO;
      float* obs_row = obs + i * kO;
      D::Observe(s, next_row);
      const int64_t t = ++steps_[i];
      returns_[i] += out.reward;
      const bool truncated = t >= limit;
      const bool done = out.terminated || truncated;
      b.rewards[i] = static_cast<float>(out.reward);
      b.terminated[i] = out.terminated;
      b.truncated[i] = truncated;
      b.done[i] = done;
      if (done) [[unlikely]] {
        b.episode_returns[i] = returns_[i];
        b.episode_lengths[i] = t;
        steps_[i] = 0;
        returns_[i] = 0.0;
        D::ResetState(rngs_[i], s);
        D::Observe(s, obs_row);
      } else {
        std::copy(next_row, next_row + kO, obs_row);
      }
    }
  }

  void DoReward(const float* obs, const float* actions, const float* next_obs, float* rewards,
                int64_t count) const override {
    for (int64_t i = 0; i < count; ++i) {
      rewards[i] = static_cast<float>(
          D::Reward(obs + i * kO, actions + i * D::kActionDim, next_obs + i * kO));
    }
  }

  std::vector<double> state_;    // [N, kS]
  std::vector<int64_t> steps_;   // [N] steps taken in the current episode
  std::vector<double> returns_;  // [N] return of the current episode so far
  std::vector<Rng> rngs_;        // [N] reset draws of each environment
};

// The registry entry of a task: its Gymnasium id, help and time-limit key.
template <Dynamics D>
EnvRegistry::Entry ClassicEntry() {
  return {D::kName,
          D::kHelp,
          {{"max_episode_steps", std::to_string(D::kMaxEpisodeSteps),
            "time limit: an episode is truncated after this many steps"}},
          [](const SpecArgs& args, int64_t num_envs, uint64_t seed) {
            return std::unique_ptr<VectorEnv>(std::make_unique<ClassicEnv<D>>(
                num_envs, seed, args.Get<int64_t>("max_episode_steps")));
          }};
}

}  // namespace rlab::envs
