#include "rlab/reward/model/ensemble_reward_config.h"

#include "rlab/core/check.h"
#include "rlab/models/hidden_widths.h"

namespace rlab::reward {

void EnsembleRewardConfig::Validate() const {
  RLAB_CHECK(members >= 1, "reward_model.members must be >= 1, got {}", members);
  RLAB_CHECK(lr > 0, "reward_model.lr must be > 0, got {}", lr);
  RLAB_CHECK(batch_size >= 1 && max_epochs >= 1,
             "reward_model.batch_size and reward_model.max_epochs must be >= 1");
  models::CheckHiddenWidths(hidden, "reward_model.hidden");
}

RewardEnsembleOptions EnsembleRewardConfig::ModelOptions(int64_t obs_dim,
                                                         int64_t action_dim) const {
  RewardEnsembleOptions o;
  o.obs_dim = obs_dim;
  o.action_dim = action_dim;
  o.use_next_obs = use_next_obs;
  o.members = members;
  o.hidden = hidden;
  o.activation = activation;
  return o;
}

RewardTrainerOptions EnsembleRewardConfig::TrainerOptions() const {
  RewardTrainerOptions o;
  o.lr = lr;
  o.batch_size = batch_size;
  o.max_epochs = max_epochs;
  o.accuracy_threshold = accuracy_threshold;
  return o;
}

}  // namespace rlab::reward
