#include "rlab/reward/signal/reward_fn.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/tensor.h"
#include "rlab/envs/vector_env.h"

namespace rlab::reward {

namespace {

// A reward or potential output checked to be [B] and finite-typed, as float64.
torch::Tensor AsRewards(const torch::Tensor& values, int64_t batch, const std::string& what) {
  RLAB_CHECK(values.defined() && values.dim() == 1 && values.size(0) == batch,
             "{} returned shape {}; a reward (or potential) must return [B] = [{}]", what,
             values.defined() ? values.sizes() : torch::IntArrayRef{}, batch);
  return values.to(torch::kDouble);
}

}  // namespace

void CheckRewardInputs(const torch::Tensor& obs, const torch::Tensor& actions,
                       const torch::Tensor& next_obs) {
  RLAB_CHECK(obs.dim() == 2 && next_obs.sizes() == obs.sizes(),
             "a reward needs obs and next_obs of one shape [B, D]; got {} and {}", obs.sizes(),
             next_obs.sizes());
  RLAB_CHECK(actions.dim() == 2 && actions.size(0) == obs.size(0),
             "a reward needs actions [B, A] with B = {} (obs rows); got {}", obs.size(0),
             actions.sizes());
  RLAB_CHECK(obs.is_floating_point() && actions.is_floating_point() && next_obs.is_floating_point(),
             "a reward needs floating-point obs, actions and next_obs (a discrete action is its "
             "index as a float)");
}

EnvReward::EnvReward(std::shared_ptr<const envs::VectorEnv> env) : env_(std::move(env)) {
  RLAB_CHECK(env_ != nullptr, "EnvReward needs an environment");
}

torch::Tensor EnvReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                    const torch::Tensor& next_obs) const {
  CheckRewardInputs(obs, actions, next_obs);
  return envs::Reward(*env_, obs, actions, next_obs).to(torch::kDouble);  // [B]
}

std::string EnvReward::Describe() const { return fmt::format("true reward of {}", env_->name()); }

ShapedReward::ShapedReward(RewardPtr base, Potential potential, double gamma)
    : base_(std::move(base)), potential_(std::move(potential)), gamma_(gamma) {
  RLAB_CHECK(base_ != nullptr && potential_, "ShapedReward needs a base reward and a potential");
  RLAB_CHECK(std::isfinite(gamma_) && gamma_ >= 0.0 && gamma_ <= 1.0,
             "shaping discount gamma must be in [0, 1], got {}", gamma_);
}

torch::Tensor ShapedReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                       const torch::Tensor& next_obs) const {
  const int64_t b = obs.size(0);
  const torch::Tensor phi = AsRewards(potential_(obs), b, "the shaping potential");  // [B]
  const torch::Tensor phi_next = AsRewards(potential_(next_obs), b, "the shaping potential");
  return (*base_)(obs, actions, next_obs) + gamma_ * phi_next - phi;  // [B]
}

std::string ShapedReward::Describe() const {
  return fmt::format("{} shaped by a potential (gamma {})", base_->Describe(), gamma_);
}

ScaledReward::ScaledReward(RewardPtr base, double factor)
    : base_(std::move(base)), factor_(factor) {
  RLAB_CHECK(base_ != nullptr, "ScaledReward needs a base reward");
  RLAB_CHECK(std::isfinite(factor_), "reward scale factor must be finite, got {}", factor_);
}

torch::Tensor ScaledReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                       const torch::Tensor& next_obs) const {
  return factor_ * (*base_)(obs, actions, next_obs);
}

std::string ScaledReward::Describe() const {
  return fmt::format("{} x ({})", factor_, base_->Describe());
}

WeightedSumReward::WeightedSumReward(std::vector<std::pair<double, RewardPtr>> terms)
    : terms_(std::move(terms)) {
  RLAB_CHECK(!terms_.empty(), "a weighted sum of rewards needs at least one term");
  for (const auto& [weight, reward] : terms_) {
    RLAB_CHECK(reward != nullptr, "a weighted sum of rewards got a null reward");
    RLAB_CHECK(std::isfinite(weight), "reward weights must be finite, got {}", weight);
  }
}

torch::Tensor WeightedSumReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                            const torch::Tensor& next_obs) const {
  torch::Tensor total;  // [B]
  for (const auto& [weight, reward] : terms_) {
    const torch::Tensor term = weight * (*reward)(obs, actions, next_obs);
    total = total.defined() ? total + term : term;
  }
  return total;
}

std::string WeightedSumReward::Describe() const {
  std::string out;
  for (const auto& [weight, reward] : terms_) {
    out += fmt::format("{}{} x ({})", out.empty() ? "" : " + ", weight, reward->Describe());
  }
  return out;
}

LambdaReward::LambdaReward(Fn fn, std::string description)
    : fn_(std::move(fn)), description_(std::move(description)) {
  RLAB_CHECK(static_cast<bool>(fn_), "LambdaReward needs a function");
}

torch::Tensor LambdaReward::operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                       const torch::Tensor& next_obs) const {
  CheckRewardInputs(obs, actions, next_obs);
  return AsRewards(fn_(obs, actions, next_obs), obs.size(0), description_);
}

}  // namespace rlab::reward
