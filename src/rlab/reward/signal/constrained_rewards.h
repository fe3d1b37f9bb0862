// Constrained combination of several rewards with learned Lagrange multipliers, after
// Moskovitz et al., "Confronting Reward Model Overoptimization with Constrained RLHF",
// arXiv:2310.04373. Rather than fixing the weights of component reward models, the policy
// maximises a task reward r_0 subject to constraints on the expected component rewards, and
// the weights are the multipliers of the Lagrangian relaxation, learned alongside the policy.
// The paper's thresholds are "proxy points": the component reward beyond which more of it
// stops helping (or starts hurting) the true objective, so a constraint may be a lower bound
// (reach at least theta), an upper bound (do not push past theta) or an equality.
//
// The form implemented here is the standard Lagrangian, min over lambda >= 0 of max over pi of
//   E[r_0] + sum_i lambda_i * g_i,   g_i = s_i (E[r_i] - theta_i)
// with s_i = +1 for `at_least` (E[r_i] >= theta_i) and -1 for `at_most` (E[r_i] <= theta_i);
// `equal` uses s_i = +1 and a multiplier free in sign. Per completion, the policy optimiser
// gets the combined reward
//   r = r_0 + sum_i lambda_i s_i (r_i - theta_i)                            [N]
// and after each batch the multipliers take one projected gradient-descent step on the dual:
//   lambda_i <- clip(lambda_i - lr * s_i (mean(r_i) - theta_i), 0, max_multiplier)
// (no lower clip for `equal`), so a violated constraint's multiplier grows and a satisfied
// one's shrinks towards 0. The authors' code mixes a single constraint's advantage through a
// sigmoid of the multiplier instead ((1 - sigmoid(l)) A_0 + sigmoid(l) A_1); the paper's
// gradient-free search for the proxy points is not part of this file: thresholds are given.
#pragma once

#include <torch/types.h>

#include <limits>
#include <string>
#include <vector>

namespace rlab::reward {

enum class ConstraintSense { kAtLeast, kAtMost, kEqual };
// "at_least", "at_most" or "equal".
ConstraintSense ParseConstraintSense(const std::string& text);

struct RewardConstraint {
  std::string name;  // for messages and logged metrics
  double threshold = 0;
  ConstraintSense sense = ConstraintSense::kAtLeast;
};

struct LagrangeSettings {
  double lr = 0.01;  // dual step size
  double initial_multiplier = 0.0;
  double max_multiplier = std::numeric_limits<double>::infinity();  // a cap for stability
  void Validate() const;
};

class ConstrainedReward {
 public:
  ConstrainedReward(std::vector<RewardConstraint> constraints, LagrangeSettings settings);

  // task [N], constraint_rewards [C, N] -> the combined reward [N] under the current
  // multipliers (constants: no gradient flows into the multipliers).
  torch::Tensor Combine(const torch::Tensor& task, const torch::Tensor& constraint_rewards) const;
  // One dual step from a batch's constraint rewards [C, N] (their means over N are used).
  void UpdateMultipliers(const torch::Tensor& constraint_rewards);
  // The same from the batch means of the C constraint rewards.
  void UpdateMultipliers(const std::vector<double>& constraint_means);

  // g_i = s_i (mean_i - theta_i) for each constraint: negative where it is violated.
  std::vector<double> Slack(const std::vector<double>& constraint_means) const;

  const std::vector<RewardConstraint>& constraints() const { return constraints_; }
  // The state to checkpoint: one multiplier per constraint.
  const std::vector<double>& multipliers() const { return multipliers_; }
  void Restore(const std::vector<double>& multipliers);

 private:
  std::vector<RewardConstraint> constraints_;
  LagrangeSettings settings_;
  std::vector<double> multipliers_;
};

}  // namespace rlab::reward
