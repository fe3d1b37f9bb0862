// Reward functions over batched transitions: the common currency of reward distances,
// reward transforms and (later) learned reward models.
//
//   torch::Tensor r = (*reward)(obs, actions, next_obs);  // [B, D], [B, A], [B, D] -> [B]
//
// Inputs are CPU tensors of any floating dtype: observations [B, D] and actions [B, A] as an
// environment's buffers hold them (a discrete action is its index as a float, A = 1; a
// tabular state is its index as a float, D = 1). The result is always float64 [B], so that
// sums of rewards and potentials (shaping, canonicalisation) lose no precision.
//
// A learned reward model plugs in by deriving from RewardFn: evaluate the network on
// (obs, actions, next_obs) under torch::NoGradGuard and return its [B] output as float64.
#pragma once

#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rlab::envs {
class VectorEnv;
}

namespace rlab::reward {

class RewardFn {
 public:
  virtual ~RewardFn() = default;
  // obs [B, D], actions [B, A], next_obs [B, D]  ->  float64 [B]
  virtual torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                                   const torch::Tensor& next_obs) const = 0;
  // A short human-readable description, for logs and error messages.
  virtual std::string Describe() const = 0;
};

using RewardPtr = std::shared_ptr<const RewardFn>;

// A potential over observations: obs [B, D] -> float64 [B].
using Potential = std::function<torch::Tensor(const torch::Tensor& obs)>;

// The environment's true reward r(s, a, s'), as its Step computes it (float32, returned as
// float64).
class EnvReward final : public RewardFn {
 public:
  explicit EnvReward(std::shared_ptr<const envs::VectorEnv> env);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;

 private:
  std::shared_ptr<const envs::VectorEnv> env_;
};

// Potential shaping: R(s, a, s') + gamma Phi(s') - Phi(s), which leaves the optimal policies
// of every MDP with these states unchanged (Ng, Harada and Russell, "Policy invariance under
// reward transformations: theory and application to reward shaping", ICML 1999).
class ShapedReward final : public RewardFn {
 public:
  ShapedReward(RewardPtr base, Potential potential, double gamma);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;

 private:
  RewardPtr base_;
  Potential potential_;
  double gamma_;
};

// factor * R. Positive factors keep the order of policies (and the EPIC distance 0); a
// negative factor reverses it (-R is at EPIC distance 1 from R).
class ScaledReward final : public RewardFn {
 public:
  ScaledReward(RewardPtr base, double factor);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;

 private:
  RewardPtr base_;
  double factor_;
};

// sum_i w_i R_i: a weighted combination of rewards (weights any finite numbers).
class WeightedSumReward final : public RewardFn {
 public:
  explicit WeightedSumReward(std::vector<std::pair<double, RewardPtr>> terms);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override;

 private:
  std::vector<std::pair<double, RewardPtr>> terms_;
};

// A reward given by a function; its result is checked to be [B] and returned as float64.
class LambdaReward final : public RewardFn {
 public:
  using Fn = std::function<torch::Tensor(const torch::Tensor& obs, const torch::Tensor& actions,
                                         const torch::Tensor& next_obs)>;
  LambdaReward(Fn fn, std::string description);
  torch::Tensor operator()(const torch::Tensor& obs, const torch::Tensor& actions,
                           const torch::Tensor& next_obs) const override;
  std::string Describe() const override { return description_; }

 private:
  Fn fn_;
  std::string description_;
};

// Checks a RewardFn's inputs: obs and next_obs [B, D], actions [B, A], all floating point.
void CheckRewardInputs(const torch::Tensor& obs, const torch::Tensor& actions,
                       const torch::Tensor& next_obs);

}  // namespace rlab::reward
