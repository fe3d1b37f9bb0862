#include "rlab/envs/vector_env.h"

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::envs {

uint64_t EnvSeed(uint64_t base, int64_t index) {
  return DeriveSeed(base + static_cast<uint64_t>(index), "envs");
}

void StepBuffers::Resize(int64_t n, int64_t d) {
  num_envs = n;
  obs_dim = d;
  observations.assign(n * d, 0.0f);
  next_observations.assign(n * d, 0.0f);
  rewards.assign(n, 0.0f);
  terminated.assign(n, 0);
  truncated.assign(n, 0);
  done.assign(n, 0);
  episode_returns.assign(n, 0.0);
  episode_lengths.assign(n, 0);
}

VectorEnv::VectorEnv(std::string name, int64_t num_envs, Space observation_space,
                     Space action_space, int64_t max_episode_steps)
    : name_(std::move(name)),
      num_envs_(num_envs),
      observation_space_(std::move(observation_space)),
      action_space_(std::move(action_space)),
      max_episode_steps_(max_episode_steps) {
  RLAB_CHECK(num_envs > 0, "{}: the number of environments must be at least 1, got {}", name_,
             num_envs);
  RLAB_CHECK(max_episode_steps > 0,
             "{}: max_episode_steps must be at least 1, got {} (set it in the spec, e.g. "
             "'{}(max_episode_steps=200)')",
             name_, max_episode_steps, name_);
  buffers_.Resize(num_envs, obs_dim());
}

const StepBuffers& VectorEnv::Reset(std::optional<uint64_t> seed) {
  DoReset(seed.has_value(), seed.value_or(0));
  was_reset_ = true;
  return buffers_;
}

const StepBuffers& VectorEnv::Step(std::span<const int64_t> actions) {
  RLAB_CHECK(was_reset_, "{}: call Reset() before the first Step()", name_);
  RLAB_CHECK(action_space_.is_discrete(),
             "{}: the action space is {}; pass float actions [N, {}], not indices", name_,
             action_space_.ToString(), action_dim());
  RLAB_CHECK(static_cast<int64_t>(actions.size()) == num_envs_,
             "{}: got {} actions for {} environments; pass one action per environment", name_,
             actions.size(), num_envs_);
  const int64_t n = action_space_.n();
  for (int64_t i = 0; i < num_envs_; ++i) {
    RLAB_CHECK(actions[i] >= 0 && actions[i] < n,
               "{}: action {} of environment {} is out of range; the action space is {} "
               "(valid actions 0..{})",
               name_, actions[i], i, action_space_.ToString(), n - 1);
  }
  DoStep(actions.data(), nullptr);
  return buffers_;
}

const StepBuffers& VectorEnv::Step(std::span<const float> actions) {
  RLAB_CHECK(was_reset_, "{}: call Reset() before the first Step()", name_);
  const int64_t expected = num_envs_ * action_dim();
  RLAB_CHECK(static_cast<int64_t>(actions.size()) == expected,
             "{}: got {} action values for {} environments with action space {}; pass [{}, {}] "
             "= {} values",
             name_, actions.size(), num_envs_, action_space_.ToString(), num_envs_, action_dim(),
             expected);
  for (int64_t i = 0; i < expected; ++i) {
    RLAB_CHECK(std::isfinite(actions[i]),
               "{}: action value {} of environment {} is {}; the policy produced a non-finite "
               "action (check its outputs for NaN)",
               name_, i % action_dim(), i / action_dim(), actions[i]);
  }
  if (!action_space_.is_discrete()) {
    DoStep(nullptr, actions.data());
    return buffers_;
  }
  index_scratch_.resize(num_envs_);
  for (int64_t i = 0; i < num_envs_; ++i) {
    RLAB_CHECK(std::floor(actions[i]) == actions[i],
               "{}: action {} of environment {} is not a whole number; the action space is {}",
               name_, actions[i], i, action_space_.ToString());
    index_scratch_[i] = static_cast<int64_t>(actions[i]);
  }
  return Step(std::span<const int64_t>(index_scratch_));
}

void VectorEnv::Reward(std::span<const float> obs, std::span<const float> actions,
                       std::span<const float> next_obs, std::span<float> rewards) const {
  const int64_t b = static_cast<int64_t>(rewards.size());
  const int64_t d = obs_dim();
  const int64_t a = action_dim();
  RLAB_CHECK(
      static_cast<int64_t>(obs.size()) == b * d && static_cast<int64_t>(next_obs.size()) == b * d,
      "{}: Reward needs obs and next_obs of [B, {}] for B = {} rewards; got {} and {} "
      "values",
      name_, d, b, obs.size(), next_obs.size());
  RLAB_CHECK(static_cast<int64_t>(actions.size()) == b * a,
             "{}: Reward needs actions of [B, {}] for B = {} rewards; got {} values", name_, a, b,
             actions.size());
  if (action_space_.is_discrete()) {
    for (int64_t i = 0; i < b; ++i) {
      RLAB_CHECK(action_space_.Contains(actions.subspan(i, 1)),
                 "{}: stored action {} of transition {} is not in {}", name_, actions[i], i,
                 action_space_.ToString());
    }
  }
  DoReward(obs.data(), actions.data(), next_obs.data(), rewards.data(), b);
}

}  // namespace rlab::envs
