#include "rlab/envs/tabular/random_mdp.h"

#include <torch/torch.h>

#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab::envs::tabular {

namespace {

// Gamma(shape, 1) by Marsaglia and Tsang, "A Simple Method for Generating Gamma Variables"
// (ACM TOMS 2000); shapes below 1 use Gamma(shape + 1) * U^(1 / shape).
double SampleGamma(Rng& rng, double shape) {
  if (shape < 1.0) {
    double u = rng.Uniform();
    while (u <= 0.0) u = rng.Uniform();
    return SampleGamma(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = rng.Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.Uniform();
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

// Dirichlet(concentration) weights written into `out` at the given indices (others untouched).
void SampleDirichlet(Rng& rng, double concentration, const std::vector<int64_t>& indices,
                     double* out) {
  double total = 0.0;
  for (int64_t i : indices) total += out[i] = SampleGamma(rng, concentration);
  // A total of 0 (possible only through underflow at tiny concentrations): uniform instead.
  for (int64_t i : indices) {
    out[i] = total > 0.0 ? out[i] / total : 1.0 / static_cast<double>(indices.size());
  }
}

// `count` distinct indices of {0, ..., n - 1}, uniformly (partial Fisher-Yates).
std::vector<int64_t> SampleSubset(Rng& rng, int64_t n, int64_t count) {
  std::vector<int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  for (int64_t i = 0; i < count; ++i) std::swap(all[i], all[i + rng.UniformInt(n - i)]);
  all.resize(count);
  return all;
}

}  // namespace

FiniteMdp MakeRandomMdp(const RandomMdpOptions& options) {
  const int64_t num_states = options.num_states;
  const int64_t num_actions = options.num_actions;
  RLAB_CHECK(num_states > 0 && num_actions > 0,
             "random MDP needs num_states, num_actions > 0, got {} and {}", num_states,
             num_actions);
  RLAB_CHECK(options.successors >= 0 && options.successors <= num_states,
             "random MDP successors must be in [0, num_states = {}] (0: dense), got {}", num_states,
             options.successors);
  RLAB_CHECK(options.concentration > 0.0, "random MDP concentration must be > 0, got {}",
             options.concentration);
  RLAB_CHECK(options.reward_std >= 0.0, "random MDP reward_std must be >= 0, got {}",
             options.reward_std);
  CheckDiscount(options.gamma);

  Rng rng(DeriveSeed(options.seed, "tabular/random_mdp"));
  const int64_t successors = options.successors == 0 ? num_states : options.successors;
  torch::Tensor transitions = torch::zeros({num_states, num_actions, num_states}, torch::kDouble);
  double* p = transitions.data_ptr<double>();  // contiguous [S, A, S]
  for (int64_t row = 0; row < num_states * num_actions; ++row) {
    SampleDirichlet(rng, options.concentration, SampleSubset(rng, num_states, successors),
                    p + row * num_states);
  }
  torch::Tensor rewards = torch::empty({num_states, num_actions, num_states}, torch::kDouble);
  double* r = rewards.data_ptr<double>();
  for (int64_t i = 0; i < rewards.numel(); ++i) r[i] = options.reward_std * rng.Normal();
  torch::Tensor initial = torch::zeros({num_states}, torch::kDouble);  // [S]
  std::vector<int64_t> all_states(num_states);
  std::iota(all_states.begin(), all_states.end(), 0);
  SampleDirichlet(rng, options.concentration, all_states, initial.data_ptr<double>());

  FiniteMdp mdp{transitions, rewards, initial, options.gamma};
  mdp.Validate();
  return mdp;
}

}  // namespace rlab::envs::tabular
