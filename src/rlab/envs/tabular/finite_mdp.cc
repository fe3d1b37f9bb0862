#include "rlab/envs/tabular/finite_mdp.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::envs::tabular {

namespace {

void CheckDouble(std::string_view what, const torch::Tensor& t) {
  RLAB_CHECK(t.defined(), "{} is missing (an undefined tensor)", what);
  RLAB_CHECK(t.scalar_type() == torch::kDouble,
             "{} must be a double tensor (tabular MDPs are exact), got {}; use .to(torch::kDouble)",
             what, c10::toString(t.scalar_type()));
}

// Non-negative entries, and every slice along the last dimension summing to 1.
void CheckRowsAreDistributions(std::string_view what, const torch::Tensor& t) {
  const double min_entry = t.min().item<double>();
  RLAB_CHECK(min_entry >= 0.0, "{} has a negative probability ({})", what, min_entry);
  const double worst = (t.sum(-1) - 1.0).abs().max().item<double>();
  RLAB_CHECK(worst <= kDistributionTolerance,
             "{} must sum to 1 over its last dimension; the worst row is off by {}", what, worst);
}

}  // namespace

void CheckDiscount(double gamma) {
  RLAB_CHECK(gamma >= 0.0 && gamma < 1.0, "discount gamma must be in [0, 1), got {}", gamma);
}

void CheckTransitions(const torch::Tensor& transitions) {
  CheckDouble("transitions P", transitions);
  RLAB_CHECK(transitions.dim() == 3 && transitions.size(0) == transitions.size(2) &&
                 transitions.size(0) > 0 && transitions.size(1) > 0,
             "transitions P must be [S, A, S] with S, A > 0, got {}", transitions.sizes());
  CheckRowsAreDistributions("transitions P(. | s, a)", transitions);
}

void CheckRewards(const torch::Tensor& rewards) {
  CheckDouble("rewards R", rewards);
  RLAB_CHECK(rewards.dim() == 3 && rewards.size(0) == rewards.size(2) && rewards.numel() > 0,
             "rewards R must be [S, A, S] with S, A > 0, got {}", rewards.sizes());
  RLAB_CHECK(torch::isfinite(rewards).all().item<bool>(), "rewards R contain NaN or infinity");
}

void CheckRewards(const torch::Tensor& rewards, const torch::Tensor& transitions) {
  CheckRewards(rewards);
  RLAB_CHECK(rewards.sizes() == transitions.sizes(),
             "rewards R must be shaped like the transitions {}, got {}", transitions.sizes(),
             rewards.sizes());
}

void CheckDistribution(std::string_view what, const torch::Tensor& dist, int64_t size) {
  CheckDouble(what, dist);
  RLAB_CHECK(dist.dim() == 1 && (size < 0 || dist.size(0) == size),
             "{} must be a [{}] distribution, got {}", what, size, dist.sizes());
  CheckRowsAreDistributions(what, dist);
}

void CheckPolicy(const torch::Tensor& policy, int64_t num_states, int64_t num_actions) {
  CheckDouble("policy", policy);
  RLAB_CHECK(policy.dim() == 2 && policy.size(0) == num_states && policy.size(1) == num_actions,
             "policy must be [S, A] = [{}, {}], got {}", num_states, num_actions, policy.sizes());
  CheckRowsAreDistributions("policy pi(. | s)", policy);
}

void FiniteMdp::Validate() const {
  CheckTransitions(transitions);
  CheckRewards(rewards, transitions);
  CheckDistribution("initial-state distribution", initial, transitions.size(0));
  CheckDiscount(gamma);
}

torch::Tensor PotentialShaping(const torch::Tensor& rewards, const torch::Tensor& potential,
                               double gamma) {
  CheckRewards(rewards);
  CheckDiscount(gamma);
  RLAB_CHECK(potential.dim() == 1 && potential.size(0) == rewards.size(0),
             "potential must be [S] = [{}], got {}", rewards.size(0), potential.sizes());
  return rewards + gamma * potential.view({1, 1, -1}) - potential.view({-1, 1, 1});
}

torch::Tensor UniformPolicy(int64_t num_states, int64_t num_actions) {
  return torch::full({num_states, num_actions}, 1.0 / static_cast<double>(num_actions),
                     torch::kDouble);
}

}  // namespace rlab::envs::tabular
