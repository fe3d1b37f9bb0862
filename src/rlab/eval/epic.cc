#include "rlab/eval/epic.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::eval {

namespace tabular = envs::tabular;

namespace {

torch::Tensor OrUniform(const torch::Tensor& dist, int64_t size, const char* what) {
  if (!dist.defined()) return torch::full({size}, 1.0 / static_cast<double>(size), torch::kDouble);
  tabular::CheckDistribution(what, dist, size);
  return dist;
}

// x standardised under the weights: (x - mean) / std, or 0 when x is constant.
torch::Tensor Standardise(const torch::Tensor& x, const torch::Tensor& weights) {
  const torch::Tensor centred = x - (weights * x).sum();
  const double std = std::sqrt((weights * centred * centred).sum().item<double>());
  // Relative cut-off: rounding leaves ~1e-16 * |x| of spread in a constant tensor.
  const double scale = x.abs().max().item<double>();
  if (std <= 1e-12 * scale || std == 0.0) return torch::zeros_like(x);
  return centred / std;
}

}  // namespace

torch::Tensor ProductCoverage(const torch::Tensor& state_dist, const torch::Tensor& action_dist) {
  tabular::CheckDistribution("state distribution D_S", state_dist, -1);
  tabular::CheckDistribution("action distribution D_A", action_dist, -1);
  return state_dist.view({-1, 1, 1}) * action_dist.view({1, -1, 1}) *
         state_dist.view({1, 1, -1});  // [S, A, S]
}

torch::Tensor EpicCanonicalise(const torch::Tensor& rewards, const EpicOptions& options) {
  tabular::CheckRewards(rewards);
  tabular::CheckDiscount(options.gamma);
  const torch::Tensor d_s =
      OrUniform(options.state_dist, rewards.size(0), "state distribution D_S");
  const torch::Tensor d_a =
      OrUniform(options.action_dist, rewards.size(1), "action distribution D_A");
  // phi(s) = E_{A ~ D_A, S' ~ D_S}[R(s, A, S')]   [S]
  const torch::Tensor phi = (rewards * d_a.view({1, -1, 1}) * d_s.view({1, 1, -1})).sum({1, 2});
  const double mean = torch::dot(d_s, phi).item<double>();  // E[R(S, A, S')]
  return rewards + options.gamma * phi.view({1, 1, -1}) - phi.view({-1, 1, 1}) -
         options.gamma * mean;
}

double PearsonDistance(const torch::Tensor& x, const torch::Tensor& y,
                       const torch::Tensor& weights) {
  RLAB_CHECK(x.sizes() == y.sizes() && x.sizes() == weights.sizes(),
             "Pearson distance needs x, y and weights of one shape, got {}, {} and {}", x.sizes(),
             y.sizes(), weights.sizes());
  tabular::CheckDistribution("Pearson distance weights", weights.reshape({-1}), -1);
  const torch::Tensor difference = Standardise(x, weights) - Standardise(y, weights);
  // |z_x - z_y|^2 = 2 - 2 rho for non-constant inputs.
  return 0.5 * std::sqrt((weights * difference * difference).sum().item<double>());
}

double EpicDistance(const torch::Tensor& rewards1, const torch::Tensor& rewards2,
                    const EpicOptions& options) {
  RLAB_CHECK(rewards1.sizes() == rewards2.sizes(), "EPIC needs rewards of one shape, got {} and {}",
             rewards1.sizes(), rewards2.sizes());
  torch::Tensor coverage = options.coverage;
  if (!coverage.defined()) {
    coverage = ProductCoverage(
        OrUniform(options.state_dist, rewards1.size(0), "state distribution D_S"),
        OrUniform(options.action_dist, rewards1.size(1), "action distribution D_A"));
  }
  return PearsonDistance(EpicCanonicalise(rewards1, options), EpicCanonicalise(rewards2, options),
                         coverage);
}

}  // namespace rlab::eval
