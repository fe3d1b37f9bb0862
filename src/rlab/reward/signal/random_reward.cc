#include "rlab/reward/signal/random_reward.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

torch::Tensor RandomNormalTable(uint64_t seed, std::string_view stream,
                                std::vector<int64_t> shape) {
  Rng rng(DeriveSeed(seed, stream));
  torch::Tensor t = torch::empty(shape, torch::kDouble);
  double* data = t.data_ptr<double>();
  for (int64_t i = 0; i < t.numel(); ++i) data[i] = rng.Normal();
  return t;
}

RandomQuadratic::RandomQuadratic(int64_t in_dim, uint64_t seed, int64_t features)
    : in_dim_(in_dim) {
  RLAB_CHECK(in_dim > 0 && features > 0,
             "random quadratic features need in_dim > 0 and features > 0, got {} and {}", in_dim,
             features);
  projection_ = RandomNormalTable(seed, "quadratic-projection", {in_dim, features});
  offset_ = RandomNormalTable(seed, "quadratic-offset", {features});
  weight_ = RandomNormalTable(seed, "quadratic-weight", {features}) / static_cast<double>(features);
}

torch::Tensor RandomQuadratic::operator()(const torch::Tensor& x) const {
  RLAB_CHECK(x.dim() == 2 && x.size(1) == in_dim_,
             "random quadratic features expect inputs [B, {}], got {}", in_dim_, x.sizes());
  const torch::Tensor h = torch::addmm(offset_, x.to(torch::kDouble), projection_);  // [B, K]
  return torch::mv(h * h, weight_);                                                  // [B]
}

RewardPtr RandomReward(int64_t obs_dim, int64_t action_dim, uint64_t seed) {
  const RandomQuadratic f(2 * obs_dim + action_dim, seed);
  return std::make_shared<LambdaReward>(
      [f](const torch::Tensor& obs, const torch::Tensor& actions, const torch::Tensor& next_obs) {
        return f(torch::cat(
            {obs.to(torch::kDouble), actions.to(torch::kDouble), next_obs.to(torch::kDouble)},
            1));  // [B, 2D + A] -> [B]
      },
      fmt::format("random reward (seed {})", seed));
}

Potential RandomPotential(int64_t obs_dim, uint64_t seed, double scale) {
  RLAB_CHECK(std::isfinite(scale), "potential scale must be finite, got {}", scale);
  const RandomQuadratic f(obs_dim, seed);
  return [f, scale](const torch::Tensor& obs) { return scale * f(obs); };
}

}  // namespace rlab::reward
