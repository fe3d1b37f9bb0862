// The reward sources of an RL run combined under constraints rather than fixed weights
// (reward/signal/constrained_rewards.h, after Moskovitz et al., "Confronting Reward Model
// Overoptimization with Constrained RLHF", arXiv:2310.04373). Each source of the run's
// TextRewardSource gets a role:
//   objective                    maximised, with its reward weight
//   at_least(threshold=t)        a constraint E[r_i] >= t
//   at_most(threshold=t)         a constraint E[r_i] <= t, e.g. a component reward model
//                                kept below its proxy point
//   equal(threshold=t)           E[r_i] = t (the paper's equality form)
// The policy's reward is sum(objective weights * rewards) + sum_i lambda_i s_i (r_i - t_i);
// after each batch the multipliers take a projected dual step. With no objective source, and
// the KL to the reference in the reward, this is the paper's form that stays as close to the
// reference as the constraints allow.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rlab/reward/signal/constrained_rewards.h"
#include "rlab/reward/signal/text_reward_source.h"

namespace rlab::reward {

class ConstrainedSources {
 public:
  // `roles` and `weights` (empty: all 1) have one entry per source, in the source order of
  // the TextRewardSource; at least one role must be a constraint.
  ConstrainedSources(const std::vector<std::string>& roles, std::vector<double> weights,
                     LagrangeSettings settings);

  // The reward the policy optimiser sees, from one batch's per-source rewards.
  torch::Tensor Combine(const TextRewards& scored) const;
  // One dual step from the batch's constraint rewards.
  void Update(const TextRewards& scored);
  // multiplier/<i> and constraint/<i> (the batch mean of constraint source i).
  std::vector<std::pair<std::string, double>> Metrics(const TextRewards& scored) const;

  const std::vector<double>& multipliers() const { return lagrangian_.multipliers(); }
  void Restore(const std::vector<double>& multipliers) { lagrangian_.Restore(multipliers); }

 private:
  torch::Tensor ConstraintRewards(const TextRewards& scored) const;  // [C, N]

  std::vector<std::size_t> objective_, constrained_;  // source indices by role
  std::vector<double> weights_;
  ConstrainedReward lagrangian_;
};

}  // namespace rlab::reward
