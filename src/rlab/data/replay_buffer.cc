#include "rlab/data/replay_buffer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>

#include "rlab/core/check.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/shape_format.h"
#include "rlab/core/rng.h"

namespace rlab::data {

ReplayBuffer::ReplayBuffer(int64_t capacity, int64_t obs_dim, int64_t action_dim)
    : capacity_(capacity), obs_dim_(obs_dim), action_dim_(action_dim) {
  RLAB_CHECK(capacity >= 1, "replay buffer capacity must be >= 1, got {}", capacity);
  obs_ = torch::zeros({capacity, obs_dim});
  actions_ = torch::zeros({capacity, action_dim});
  rewards_ = torch::zeros({capacity});
  next_obs_ = torch::zeros({capacity, obs_dim});
  terminated_ = torch::zeros({capacity});
  cursor_ = torch::zeros({2}, torch::kLong);
}

int64_t ReplayBuffer::size() const { return cursor_.data_ptr<int64_t>()[1]; }

void ReplayBuffer::Add(const float* obs, const float* action, float reward, const float* next_obs,
                       bool terminated) {
  int64_t* c = cursor_.data_ptr<int64_t>();
  const int64_t i = c[0];
  std::memcpy(obs_.data_ptr<float>() + i * obs_dim_, obs, sizeof(float) * obs_dim_);
  std::memcpy(actions_.data_ptr<float>() + i * action_dim_, action, sizeof(float) * action_dim_);
  rewards_.data_ptr<float>()[i] = reward;
  std::memcpy(next_obs_.data_ptr<float>() + i * obs_dim_, next_obs, sizeof(float) * obs_dim_);
  terminated_.data_ptr<float>()[i] = terminated ? 1.0f : 0.0f;
  c[0] = (i + 1) % capacity_;
  c[1] = std::min(c[1] + 1, capacity_);
}

void ReplayBuffer::Sample(int64_t batch, Rng& rng, ReplayBatch& out) const {
  const int64_t n = size();
  RLAB_CHECK(n >= 1, "cannot sample from an empty replay buffer");
  out.size = batch;
  out.obs.resize(batch * obs_dim_);
  out.actions.resize(batch * action_dim_);
  out.rewards.resize(batch);
  out.next_obs.resize(batch * obs_dim_);
  out.terminated.resize(batch);
  const float* obs = obs_.data_ptr<float>();
  const float* act = actions_.data_ptr<float>();
  const float* next = next_obs_.data_ptr<float>();
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t i = rng.UniformInt(n);
    std::memcpy(out.obs.data() + b * obs_dim_, obs + i * obs_dim_, sizeof(float) * obs_dim_);
    std::memcpy(out.actions.data() + b * action_dim_, act + i * action_dim_,
                sizeof(float) * action_dim_);
    std::memcpy(out.next_obs.data() + b * obs_dim_, next + i * obs_dim_, sizeof(float) * obs_dim_);
    out.rewards[b] = rewards_.data_ptr<float>()[i];
    out.terminated[b] = terminated_.data_ptr<float>()[i];
  }
}

void ReplayBuffer::Relabel(const RewardOfStored& fn) {
  const int64_t n = size();
  if (n == 0) return;
  const torch::Tensor r =
      fn(obs_.slice(0, 0, n), actions_.slice(0, 0, n), next_obs_.slice(0, 0, n));
  RLAB_CHECK(r.dim() == 1 && r.size(0) == n,
             "replay buffer: relabelling {} transitions got rewards of shape {}", n, r.sizes());
  RLAB_CHECK(torch::isfinite(r).all().item<bool>(),
             "replay buffer: relabelling produced a non-finite reward");
  rewards_.slice(0, 0, n).copy_(r.to(torch::kFloat));
}

void ReplayBuffer::AddTo(CheckpointState& state, const std::string& name) {
  state.AddTensor(name + ".obs", obs_);
  state.AddTensor(name + ".actions", actions_);
  state.AddTensor(name + ".rewards", rewards_);
  state.AddTensor(name + ".next_obs", next_obs_);
  state.AddTensor(name + ".terminated", terminated_);
  state.AddTensor(name + ".cursor", cursor_);
}

}  // namespace rlab::data
