// The reward an agent trains on: the environment's own reward, or any RewardFn (a learned
// reward model, a shaped or combined reward) evaluated on the transitions as they happen.
// The environment's true reward is always kept beside it for evaluation.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "rlab/reward/signal/reward_fn.h"

namespace rlab::rl {

class TrainingReward {
 public:
  TrainingReward() = default;  // the environment's reward
  explicit TrainingReward(reward::RewardPtr fn) : fn_(std::move(fn)) {}

  bool is_environment_reward() const { return fn_ == nullptr; }
  std::string Describe() const;
  // out [N] = r(obs, actions, next_obs) for N transitions (obs, next_obs [N, D], actions
  // [N, A]); with the environment's reward, out = env_rewards.
  void Compute(std::span<const float> obs, std::span<const float> actions,
               std::span<const float> next_obs, std::span<const float> env_rewards, int64_t n,
               std::span<float> out) const;

 private:
  reward::RewardPtr fn_;
};

}  // namespace rlab::rl
