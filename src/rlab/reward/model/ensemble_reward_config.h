// The reward ensemble of preference-based RL for control and its training: the pbrl config's
// `reward_model` section, turned into the options of RewardEnsemble
// (reward/model/ensemble_reward_model.h) and RewardEnsembleTrainer
// (reward/model/ensemble_reward_trainer.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/reward/model/ensemble_reward_model.h"
#include "rlab/reward/model/ensemble_reward_trainer.h"

namespace rlab::reward {

struct EnsembleRewardConfig {
  int64_t members = 3;
  std::vector<int64_t> hidden = {256, 256, 256};
  std::string activation = "relu";
  bool use_next_obs = false;
  double lr = 3e-4;
  int64_t batch_size = 128;
  int64_t max_epochs = 50;
  double accuracy_threshold = 0.97;
  bool absorbing_zero = true;
  template <class V>
  void Fields(V& v) {
    v("members", members, "ensemble members");
    v("hidden", hidden, "hidden widths of each member");
    v("activation", activation, "relu or tanh");
    v("use_next_obs", use_next_obs, "reward over (s, a, s') instead of (s, a)");
    v("lr", lr, "Adam learning rate");
    v("batch_size", batch_size, "labelled pairs per minibatch");
    v("max_epochs", max_epochs, "epochs per reward update at most");
    v("accuracy_threshold", accuracy_threshold, "stop an update at this training accuracy");
    v("absorbing_zero", absorbing_zero,
      "shift the learned reward so absorbing steps are worth 0 (with absorbing_padding)");
  }
  void Validate() const;

  RewardEnsembleOptions ModelOptions(int64_t obs_dim, int64_t action_dim) const;
  RewardTrainerOptions TrainerOptions() const;
};

}  // namespace rlab::reward
