// A learned reward model as a RewardFn: the reward ensemble's normalised mean reward
// (reward/model/ensemble_reward_model.h) over batched transitions, minus a constant `offset`, so
// that agents (rl::TrainingReward), reward distances and relabelling see a learned reward
// like any other. The ensemble is shared, not copied: training it changes this reward.
//
// The offset puts the reward's zero where an agent's episode-ending choices need it: in an
// environment that terminates, an agent earns nothing after its episode ends, which is the
// same as earning 0 in an absorbing state forever; a learned reward shifted so that its
// absorbing steps are worth 0 keeps the preference between surviving and terminating that
// the teacher saw (the pbrl pipeline sets it; see data/trajectory_store.h, absorbing_padding).
//
// Preference-based RL with a learned reward: Christiano et al., "Deep Reinforcement Learning
// from Human Preferences", arXiv:1706.03741; Lee et al., "PEBBLE", arXiv:2106.05091.
#pragma once

#include <cstdint>
#include <string>

#include "rlab/reward/model/ensemble_reward_model.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rlab::reward {

class LearnedReward final : public RewardFn {
 public:
  // batch_rows: most transitions evaluated in one forward pass (bounds memory).
  explicit LearnedReward(RewardEnsemble ensemble, int64_t batch_rows = 8192);

  // obs [B, D], actions [B, A], next_obs [B, D] -> float64 [B]
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;

  void set_offset(double offset) { offset_ = offset; }
  double offset() const { return offset_; }
  RewardEnsemble ensemble() const { return ensemble_; }

 private:
  mutable RewardEnsemble ensemble_;  // inference only: Reward() is not const
  int64_t batch_rows_;
  double offset_ = 0.0;
};

}  // namespace rlab::reward
