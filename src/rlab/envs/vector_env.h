// Vector environments: N copies of one environment stepped together, with Gymnasium's
// terminated/truncated semantics and automatic reset in the same step.
//
//   auto env = rlab::envs::Make("CartPole-v1", 256, seed);
//   const StepBuffers& b = env->Reset();
//   b = env->Step(actions);  // int64 [N] for a discrete action space, float [N, A] for a box
//
// When an episode ends (terminated or truncated), `observations` already holds the first
// observation of the next episode and `next_observations` the last one of the finished
// episode, for bootstrapping. Environment i draws its resets from a generator seeded from
// (base seed + i), so a vector's environment i replays a single environment seeded with
// base seed + i.
//
// The hot path works on plain contiguous buffers; rlab/envs/tensor.h wraps them as tensors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rlab/envs/space.h"

namespace rlab::envs {

// What Reset and Step return: N = num_envs, D = obs_dim. Flags are 0 or 1.
struct StepBuffers {
  int64_t num_envs = 0;
  int64_t obs_dim = 0;
  std::vector<float> observations;       // [N, D] the observation to act on next
  std::vector<float> next_observations;  // [N, D] where each step led, before any reset
  std::vector<float> rewards;            // [N]
  std::vector<uint8_t> terminated;       // [N] the episode reached a terminal state
  std::vector<uint8_t> truncated;        // [N] the episode hit the time limit
  std::vector<uint8_t> done;             // [N] terminated or truncated: reset happened
  std::vector<double> episode_returns;   // [N] undiscounted return of the finished episode
  std::vector<int64_t> episode_lengths;  // [N] steps of the finished episode (where done)

  void Resize(int64_t n, int64_t d);
};

// The seed of environment `index` in a vector seeded with `base`: a function of base + index
// only, so the same environment gets the same stream whatever the vector's size.
uint64_t EnvSeed(uint64_t base, int64_t index);

class VectorEnv {
 public:
  VectorEnv(std::string name, int64_t num_envs, Space observation_space, Space action_space,
            int64_t max_episode_steps);
  virtual ~VectorEnv() = default;
  VectorEnv(const VectorEnv&) = delete;
  VectorEnv& operator=(const VectorEnv&) = delete;

  const std::string& name() const { return name_; }
  int64_t num_envs() const { return num_envs_; }
  const Space& observation_space() const { return observation_space_; }
  const Space& action_space() const { return action_space_; }
  int64_t obs_dim() const { return observation_space_.flat_dim(); }
  int64_t action_dim() const { return action_space_.flat_dim(); }  // 1 when discrete
  int64_t max_episode_steps() const { return max_episode_steps_; }

  // Starts a new episode everywhere. With a seed, environment i is reseeded from seed + i;
  // without one, each environment goes on drawing from its own generator.
  const StepBuffers& Reset(std::optional<uint64_t> seed = std::nullopt);
  // Discrete action spaces: one index per environment, [N].
  const StepBuffers& Step(std::span<const int64_t> actions);
  // [N, A] for a box (values outside the bounds are clipped by the dynamics, as in
  // Gymnasium); [N] whole numbers for a discrete space.
  const StepBuffers& Step(std::span<const float> actions);
  const StepBuffers& last() const { return buffers_; }

  // The true reward r(s, a, s') of B stored transitions, as Step computes it (up to the
  // float32 rounding of observations): obs and next_obs [B, D], actions [B, A] (discrete:
  // the index as a float), rewards [B].
  void Reward(std::span<const float> obs, std::span<const float> actions,
              std::span<const float> next_obs, std::span<float> rewards) const;

 protected:
  // Reseeds environment i from seed + i when `reseed`, then resets every environment.
  virtual void DoReset(bool reseed, uint64_t seed) = 0;
  // Exactly one of the two is non-null, checked and sized [N] or [N, A].
  virtual void DoStep(const int64_t* discrete, const float* box) = 0;
  virtual void DoReward(const float* obs, const float* actions, const float* next_obs,
                        float* rewards, int64_t count) const = 0;

  StepBuffers buffers_;

 private:
  std::string name_;
  int64_t num_envs_;
  Space observation_space_;
  Space action_space_;
  int64_t max_episode_steps_;
  bool was_reset_ = false;
  std::vector<int64_t> index_scratch_;  // [N] discrete actions given as floats
};

}  // namespace rlab::envs
