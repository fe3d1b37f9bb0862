#include "rlab/reward/signal/constrained_rewards.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

namespace {
double Sign(ConstraintSense sense) { return sense == ConstraintSense::kAtMost ? -1.0 : 1.0; }
}  // namespace

ConstraintSense ParseConstraintSense(const std::string& text) {
  if (text == "at_least") return ConstraintSense::kAtLeast;
  if (text == "at_most") return ConstraintSense::kAtMost;
  if (text == "equal") return ConstraintSense::kEqual;
  RLAB_FAIL("unknown constraint sense '{}'; valid: at_least, at_most, equal", text);
}

void LagrangeSettings::Validate() const {
  RLAB_CHECK(std::isfinite(lr) && lr > 0, "Lagrange multipliers: lr must be > 0, got {}", lr);
  RLAB_CHECK(max_multiplier > 0, "Lagrange multipliers: max_multiplier must be > 0, got {}",
             max_multiplier);
  RLAB_CHECK(std::isfinite(initial_multiplier) && initial_multiplier >= 0 &&
                 initial_multiplier <= max_multiplier,
             "Lagrange multipliers: initial_multiplier must be in [0, max_multiplier], got {}",
             initial_multiplier);
}

ConstrainedReward::ConstrainedReward(std::vector<RewardConstraint> constraints,
                                     LagrangeSettings settings)
    : constraints_(std::move(constraints)), settings_(settings) {
  settings_.Validate();
  RLAB_CHECK(!constraints_.empty(), "constrained reward: needs at least one constraint");
  for (const RewardConstraint& c : constraints_) {
    RLAB_CHECK(std::isfinite(c.threshold), "constrained reward: constraint '{}' has threshold {}",
               c.name, c.threshold);
  }
  multipliers_.assign(constraints_.size(), settings_.initial_multiplier);
}

torch::Tensor ConstrainedReward::Combine(const torch::Tensor& task,
                                         const torch::Tensor& constraint_rewards) const {
  const int64_t c = static_cast<int64_t>(constraints_.size());
  RLAB_CHECK(task.defined() && task.dim() == 1, "constrained reward: task reward must be [N]");
  RLAB_CHECK(
      constraint_rewards.defined() && constraint_rewards.dim() == 2 &&
          constraint_rewards.size(0) == c && constraint_rewards.size(1) == task.size(0),
      "constrained reward: constraint rewards must be [C={}, N={}], got {}", c, task.size(0),
      constraint_rewards.defined() ? fmt::format("{}", constraint_rewards.sizes()) : "nothing");
  std::vector<double> weight(c), offset(c);  // lambda_i s_i and lambda_i s_i theta_i
  for (int64_t i = 0; i < c; ++i) {
    weight[i] = multipliers_[i] * Sign(constraints_[i].sense);
    offset[i] = weight[i] * constraints_[i].threshold;
  }
  const auto opts = task.options().requires_grad(false);
  const torch::Tensor w = torch::tensor(weight, opts.dtype(torch::kFloat64)).to(task.dtype());
  const torch::Tensor b = torch::tensor(offset, opts.dtype(torch::kFloat64)).to(task.dtype());
  // [N] + sum_i (w_i r_i - w_i theta_i)
  return task + (w.unsqueeze(1) * constraint_rewards).sum(0) - b.sum();
}

std::vector<double> ConstrainedReward::Slack(const std::vector<double>& means) const {
  RLAB_CHECK(means.size() == constraints_.size(),
             "constrained reward: {} constraint means given for {} constraints", means.size(),
             constraints_.size());
  std::vector<double> slack(means.size());
  for (size_t i = 0; i < means.size(); ++i) {
    RLAB_CHECK(std::isfinite(means[i]), "constrained reward: mean of '{}' is {}",
               constraints_[i].name, means[i]);
    slack[i] = Sign(constraints_[i].sense) * (means[i] - constraints_[i].threshold);
  }
  return slack;
}

void ConstrainedReward::UpdateMultipliers(const std::vector<double>& means) {
  const std::vector<double> slack = Slack(means);
  for (size_t i = 0; i < slack.size(); ++i) {
    // Gradient descent on the dual: the Lagrangian's derivative in lambda_i is g_i.
    double next = multipliers_[i] - settings_.lr * slack[i];
    const double low =
        constraints_[i].sense == ConstraintSense::kEqual ? -settings_.max_multiplier : 0.0;
    multipliers_[i] = std::clamp(next, low, settings_.max_multiplier);
  }
}

void ConstrainedReward::UpdateMultipliers(const torch::Tensor& constraint_rewards) {
  RLAB_CHECK(constraint_rewards.defined() && constraint_rewards.dim() == 2 &&
                 constraint_rewards.size(0) == static_cast<int64_t>(constraints_.size()) &&
                 constraint_rewards.size(1) > 0,
             "constrained reward: constraint rewards must be [C={}, N], N > 0",
             constraints_.size());
  const torch::Tensor m = constraint_rewards.detach().to(torch::kFloat64).mean(1).contiguous();
  UpdateMultipliers(std::vector<double>(m.data_ptr<double>(), m.data_ptr<double>() + m.numel()));
}

void ConstrainedReward::Restore(const std::vector<double>& multipliers) {
  RLAB_CHECK(multipliers.size() == constraints_.size(),
             "constrained reward: restoring {} multipliers for {} constraints", multipliers.size(),
             constraints_.size());
  for (size_t i = 0; i < multipliers.size(); ++i) {
    const bool free = constraints_[i].sense == ConstraintSense::kEqual;
    RLAB_CHECK(std::isfinite(multipliers[i]) && (free || multipliers[i] >= 0),
               "constrained reward: multiplier of '{}' must be finite{}, got {}",
               constraints_[i].name, free ? "" : " and >= 0", multipliers[i]);
  }
  multipliers_ = multipliers;
}

}  // namespace rlab::reward
