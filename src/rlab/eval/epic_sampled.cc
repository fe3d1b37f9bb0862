#include "rlab/eval/epic_sampled.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/eval/epic.h"

namespace rlab::eval {

namespace {

// Rounding in float64 sums leaves ~1e-16 relative spread; anything below this is constant.
constexpr double kConstantTolerance = 1e-10;

// E(y_k) = (1/M) sum_j R(y_k, u_j, x_j) for every row y_k of from [K, D]   -> float64 [K].
// Updates `scale` with the largest |R| seen.
torch::Tensor ExpectedFrom(const reward::RewardFn& reward, const torch::Tensor& from,
                           const EpicSamples& samples, int64_t batch_rows, double& scale) {
  const int64_t k = from.size(0), m = samples.states.size(0), d = from.size(1);
  const int64_t a = samples.actions.size(1);
  const int64_t chunk = std::max<int64_t>(1, batch_rows / m);
  // The (u_j, x_j) pairs tiled once for a full chunk: [chunk * M, A] and [chunk * M, D].
  const int64_t rows = std::min(chunk, k) * m;
  const torch::Tensor tiled_actions =
      samples.actions.unsqueeze(0).expand({rows / m, m, a}).reshape({rows, a});
  const torch::Tensor tiled_next =
      samples.states.to(from.dtype()).unsqueeze(0).expand({rows / m, m, d}).reshape({rows, d});
  torch::Tensor out = torch::empty({k}, torch::kDouble);
  for (int64_t start = 0; start < k; start += chunk) {
    const int64_t c = std::min(chunk, k - start);
    const torch::Tensor obs =
        from.narrow(0, start, c).unsqueeze(1).expand({c, m, d}).reshape({c * m, d});
    const torch::Tensor actions = tiled_actions.narrow(0, 0, c * m);
    const torch::Tensor next = tiled_next.narrow(0, 0, c * m);
    const torch::Tensor r = reward(obs, actions, next);  // [c * M]
    RLAB_CHECK(r.dim() == 1 && r.size(0) == c * m, "{} returned {} values for {} transitions",
               reward.Describe(), r.numel(), c * m);
    scale = std::max(scale, r.abs().max().item<double>());
    out.narrow(0, start, c).copy_(r.view({c, m}).mean(1));
  }
  return out;
}

torch::Tensor UniformWeights(int64_t n) {
  return torch::full({n}, 1.0 / static_cast<double>(n), torch::kDouble);
}

void CheckSameSamples(const SampledCanonical& a, const SampledCanonical& b) {
  RLAB_CHECK(a.values.defined() && b.values.defined() && a.values.sizes() == b.values.sizes(),
             "sampled reward distances need two rewards canonicalised on the same samples");
}

// sqrt(mean(x^2)): the L2 norm under the empirical coverage distribution.
double EmpiricalNorm(const torch::Tensor& x) { return std::sqrt(x.square().mean().item<double>()); }

}  // namespace

void SampledEpicOptions::Validate() const {
  RLAB_CHECK(std::isfinite(gamma) && gamma >= 0.0 && gamma <= 1.0,
             "EPIC discount gamma must be in [0, 1], got {}", gamma);
  RLAB_CHECK(batch_rows >= 1, "batch_rows must be positive, got {}", batch_rows);
}

SampledCanonical SampledEpicCanonicalise(const reward::RewardFn& reward, const EpicSamples& samples,
                                         const SampledEpicOptions& options) {
  options.Validate();
  samples.Validate();
  torch::NoGradGuard no_grad;
  const TransitionSamples& t = samples.coverage;
  const int64_t n = t.size();
  SampledCanonical out;
  // One pass over every "from" state: s and s' of the coverage, then the state samples x_k.
  const torch::Tensor from = torch::cat({t.obs, t.next_obs, samples.states.to(t.obs.dtype())});
  const torch::Tensor expected =
      ExpectedFrom(reward, from, samples, options.batch_rows, out.reward_scale);  // [2N + M]
  const torch::Tensor direct = reward(t.obs, t.actions, t.next_obs);              // [N]
  RLAB_CHECK(direct.dim() == 1 && direct.size(0) == n, "{} returned {} values for {} transitions",
             reward.Describe(), direct.numel(), n);
  RLAB_CHECK(
      torch::isfinite(direct).all().item<bool>() && torch::isfinite(expected).all().item<bool>(),
      "{} returned a non-finite reward on the EPIC samples", reward.Describe());
  out.reward_scale = std::max(out.reward_scale, direct.abs().max().item<double>());
  const double mean_term =
      expected.narrow(0, 2 * n, expected.size(0) - 2 * n).mean().item<double>();
  out.values = direct + options.gamma * expected.narrow(0, n, n) - expected.narrow(0, 0, n) -
               options.gamma * mean_term;  // [N]
  const double spread = std::sqrt(out.values.var(/*unbiased=*/false).item<double>());
  if (spread <= kConstantTolerance * out.reward_scale) {
    out.constant = true;
    out.values = torch::zeros_like(out.values);
  }
  return out;
}

double SampledEpicDistance(const SampledCanonical& a, const SampledCanonical& b) {
  CheckSameSamples(a, b);
  return PearsonDistance(a.values, b.values, UniformWeights(a.values.size(0)));
}

double SampledEpicDistance(const reward::RewardFn& a, const reward::RewardFn& b,
                           const EpicSamples& samples, const SampledEpicOptions& options) {
  return SampledEpicDistance(SampledEpicCanonicalise(a, samples, options),
                             SampledEpicCanonicalise(b, samples, options));
}

double SampledStarcDistance(const SampledCanonical& a, const SampledCanonical& b) {
  CheckSameSamples(a, b);
  const auto standardise = [](const SampledCanonical& c) {
    const double norm = EmpiricalNorm(c.values);
    return c.constant || norm == 0.0 ? torch::zeros_like(c.values) : c.values / norm;
  };
  return std::min(1.0, EmpiricalNorm(standardise(a) - standardise(b)) / 2.0);
}

double SampledStarcDistance(const reward::RewardFn& a, const reward::RewardFn& b,
                            const EpicSamples& samples, const SampledEpicOptions& options) {
  return SampledStarcDistance(SampledEpicCanonicalise(a, samples, options),
                              SampledEpicCanonicalise(b, samples, options));
}

}  // namespace rlab::eval
