// A replay buffer of transitions for off-policy agents (SAC): a ring of fixed capacity,
// sampled uniformly with replacement, as Stable-Baselines3's ReplayBuffer that CleanRL uses.
// Its contents are tensors so that checkpoints save and restore them in place.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rlab {
class CheckpointState;
class Rng;
}  // namespace rlab

namespace rlab::data {

struct ReplayBatch {
  int64_t size = 0;
  std::vector<float> obs;         // [B, D]
  std::vector<float> actions;     // [B, A]
  std::vector<float> rewards;     // [B]
  std::vector<float> next_obs;    // [B, D]
  std::vector<float> terminated;  // [B] 1 where the episode reached a terminal state
};

class ReplayBuffer {
 public:
  ReplayBuffer(int64_t capacity, int64_t obs_dim, int64_t action_dim);

  // One transition. `next_obs` is where the step led (the final observation when the
  // episode ended), and `terminated` is false on a time-limit truncation, so that the
  // value of next_obs is still bootstrapped.
  void Add(const float* obs, const float* action, float reward, const float* next_obs,
           bool terminated);
  int64_t size() const;
  int64_t capacity() const { return capacity_; }
  void Sample(int64_t batch, Rng& rng, ReplayBatch& out) const;
  // fn(obs [M, D], actions [M, A], next_obs [M, D]) -> [M] rewards for the M stored transitions.
  using RewardOfStored = std::function<torch::Tensor(
      const torch::Tensor& obs, const torch::Tensor& actions, const torch::Tensor& next_obs)>;
  // Replaces the reward of every stored transition with fn's (PEBBLE's relabelling, Lee et
  // al., arXiv:2106.05091): the inputs are views of the stored rows, in storage order.
  void Relabel(const RewardOfStored& fn);
  void AddTo(CheckpointState& state, const std::string& name);

 private:
  int64_t capacity_, obs_dim_, action_dim_;
  torch::Tensor obs_, actions_, rewards_, next_obs_,
      terminated_;        // [C, D], [C, A], [C], [C, D], [C]
  torch::Tensor cursor_;  // [2] int64: next write position, number stored
};

}  // namespace rlab::data
