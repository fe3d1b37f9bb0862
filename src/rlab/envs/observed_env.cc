#include "rlab/envs/observed_env.h"

#include <algorithm>

#include "rlab/core/check.h"

namespace rlab::envs {

ObservedEnv::ObservedEnv(std::shared_ptr<VectorEnv> inner, Observer observer)
    : VectorEnv(inner->name(), inner->num_envs(), inner->observation_space(), inner->action_space(),
                inner->max_episode_steps()),
      inner_(std::move(inner)),
      observer_(std::move(observer)) {
  RLAB_CHECK(observer_ != nullptr, "{}: an observed environment needs an observer", name());
}

void ObservedEnv::DoReset(bool reseed, uint64_t seed) {
  buffers_ = reseed ? inner_->Reset(seed) : inner_->Reset();
}

void ObservedEnv::DoStep(const int64_t* discrete, const float* box) {
  {
    const TimeSplit::Measure stepping(timing_, "env_steps");
    const int64_t n = num_envs(), a = action_dim();
    obs_ = buffers_.observations;
    actions_.resize(n * a);
    if (discrete) {
      for (int64_t i = 0; i < n; ++i) actions_[i] = static_cast<float>(discrete[i]);
      buffers_ = inner_->Step(std::span<const int64_t>(discrete, n));
    } else {
      const Space& space = action_space();
      for (int64_t i = 0; i < n * a; ++i) {
        actions_[i] = std::clamp(box[i], space.low()[i % a], space.high()[i % a]);
      }
      buffers_ = inner_->Step(std::span<const float>(box, n * a));
    }
  }
  const TimeSplit::Measure observing(timing_, "observer");
  observer_(obs_, actions_, buffers_);
}

void ObservedEnv::DoReward(const float* obs, const float* actions, const float* next_obs,
                           float* rewards, int64_t count) const {
  const int64_t d = obs_dim(), a = action_dim();
  inner_->Reward(std::span<const float>(obs, count * d), std::span<const float>(actions, count * a),
                 std::span<const float>(next_obs, count * d), std::span<float>(rewards, count));
}

}  // namespace rlab::envs
