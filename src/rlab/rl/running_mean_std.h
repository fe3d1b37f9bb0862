// Running mean and variance of a vector quantity, merged batch by batch (Chan, Golub and
// LeVeque, "Updating Formulae and a Pairwise Algorithm for Computing Sample Variances",
// 1979), as Gymnasium's NormalizeObservation and NormalizeReward wrappers keep them; PPO's
// observation and reward normalisation use it.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <string>

namespace rlab {
class CheckpointState;
}

namespace rlab::rl {

class RunningMeanStd {
 public:
  explicit RunningMeanStd(int64_t dim);
  // rows [B, dim]
  void Update(std::span<const float> rows, int64_t batch);
  // (x - mean) / sqrt(var + eps), clipped to +-clip, in place on rows [B, dim].
  void Normalize(std::span<float> rows, int64_t batch, double clip) const;
  double mean(int64_t j) const { return mean_data_[j]; }
  double var(int64_t j) const { return var_data_[j]; }
  int64_t dim() const { return dim_; }
  void AddTo(CheckpointState& state, const std::string& name);

 private:
  int64_t dim_;
  torch::Tensor mean_, var_, count_;  // [dim], [dim] float64, [] float64
  double* mean_data_;
  double* var_data_;
};

// Gymnasium's NormalizeReward: rewards divided by the running standard deviation of each
// environment's discounted return (not of the reward itself), then clipped.
class ReturnNormalizer {
 public:
  ReturnNormalizer(int64_t envs, double gamma);
  // rewards [N] in place; `terminated` [N] ends the discounted sums.
  void Apply(std::span<float> rewards, std::span<const uint8_t> ended, double clip);
  void AddTo(CheckpointState& state, const std::string& name);

 private:
  double gamma_;
  torch::Tensor returns_;  // [N] float64
  RunningMeanStd stats_;
};

}  // namespace rlab::rl
