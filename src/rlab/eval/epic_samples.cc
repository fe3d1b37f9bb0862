#include "rlab/eval/epic_samples.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/core/shape_format.h"
#include "rlab/envs/registry.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::eval {

namespace {

// Rollouts of the uniform policy: n transitions from `num_envs` environments stepped together.
TransitionSamples Rollouts(std::string_view env_spec, int64_t n, int64_t num_envs, uint64_t seed) {
  auto env = envs::Make(env_spec, num_envs, DeriveSeed(seed, "epic-rollout-env"));
  const int64_t d = env->obs_dim(), a = env->action_dim();
  TransitionSamples out{torch::empty({n, d}), torch::empty({n, a}), torch::empty({n, d})};
  const envs::StepBuffers* b = &env->Reset();
  uint64_t step_seed = DeriveSeed(seed, "epic-rollout-actions");
  for (int64_t row = 0; row < n; row += num_envs) {
    const int64_t take = std::min(num_envs, n - row);
    const torch::Tensor actions = UniformActions(env->action_space(), num_envs, step_seed++);
    const torch::Tensor obs =
        torch::from_blob(const_cast<float*>(b->observations.data()), {num_envs, d})
            .clone();  // [E, D]
    b = &env->Step(std::span<const float>(actions.data_ptr<float>(), num_envs * a));
    const torch::Tensor next =
        torch::from_blob(const_cast<float*>(b->next_observations.data()), {num_envs, d});  // [E, D]
    out.obs.narrow(0, row, take).copy_(obs.narrow(0, 0, take));
    out.actions.narrow(0, row, take).copy_(actions.narrow(0, 0, take));
    out.next_obs.narrow(0, row, take).copy_(next.narrow(0, 0, take));
  }
  return out;
}

// n indices drawn from a distribution [K] by inverting its cumulative sum   -> int64 [n]
torch::Tensor DrawIndices(const torch::Tensor& dist, int64_t n, uint64_t seed) {
  const torch::Tensor cdf = dist.reshape({-1}).to(torch::kDouble).cumsum(0).contiguous();  // [K]
  const double* c = cdf.data_ptr<double>();
  const int64_t k = cdf.numel();
  Rng rng(seed);
  torch::Tensor out = torch::empty({n}, torch::kLong);
  int64_t* o = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    const double u = rng.Uniform() * c[k - 1];
    o[i] = std::min<int64_t>(std::upper_bound(c, c + k, u) - c, k - 1);
  }
  return out;
}

torch::Tensor IndexRows(const torch::Tensor& index) {
  return index.to(torch::kFloat32).unsqueeze(1);  // [n, 1]
}

}  // namespace

void EpicSamples::Validate() const {
  const int64_t n = coverage.obs.defined() ? coverage.obs.size(0) : 0;
  RLAB_CHECK(n >= 2 && coverage.obs.dim() == 2 && coverage.next_obs.sizes() == coverage.obs.sizes(),
             "EPIC samples need coverage obs and next_obs [N, D] with N >= 2");
  RLAB_CHECK(coverage.actions.dim() == 2 && coverage.actions.size(0) == n,
             "EPIC samples need coverage actions [N, A] with N = {}, got {}", n,
             coverage.actions.sizes());
  RLAB_CHECK(states.dim() == 2 && states.size(0) >= 1 && states.size(1) == coverage.obs.size(1),
             "EPIC samples need states [M, {}], got {}", coverage.obs.size(1), states.sizes());
  RLAB_CHECK(actions.dim() == 2 && actions.size(0) == states.size(0) &&
                 actions.size(1) == coverage.actions.size(1),
             "EPIC samples need actions [M, {}] with M = {} (one per state sample), got {}",
             coverage.actions.size(1), states.size(0), actions.sizes());
}

void SampleOptions::Validate() const {
  RLAB_CHECK(num_transitions >= 2, "num_transitions must be at least 2, got {}", num_transitions);
  RLAB_CHECK(num_samples >= 1, "num_samples must be at least 1, got {}", num_samples);
  RLAB_CHECK(num_envs >= 1, "num_envs must be at least 1, got {}", num_envs);
}

torch::Tensor UniformActions(const envs::Space& space, int64_t n, uint64_t seed) {
  Rng rng(seed);
  const int64_t a = space.flat_dim();
  torch::Tensor out = torch::empty({n, a});  // [n, A]
  float* o = out.data_ptr<float>();
  if (space.is_discrete()) {
    for (int64_t i = 0; i < n; ++i) o[i] = static_cast<float>(rng.UniformInt(space.n()));
    return out;
  }
  for (int64_t j = 0; j < a; ++j) {
    RLAB_CHECK(std::isfinite(space.low()[j]) && std::isfinite(space.high()[j]),
               "uniform random actions need a bounded action space, got {}", space.ToString());
  }
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < a; ++j) {
      o[i * a + j] = static_cast<float>(rng.Uniform(space.low()[j], space.high()[j]));
    }
  }
  return out;
}

EpicSamples SampleEnvTransitions(std::string_view env_spec, const SampleOptions& options) {
  options.Validate();
  EpicSamples out;
  out.coverage = Rollouts(env_spec, options.num_transitions, options.num_envs,
                          DeriveSeed(options.seed, "epic-coverage"));
  // D_S: the states visited by separate rollouts of the same policy.
  out.states = Rollouts(env_spec, options.num_samples, options.num_envs,
                        DeriveSeed(options.seed, "epic-states"))
                   .obs;
  const auto env = envs::Make(env_spec, 1, 0);
  out.actions = UniformActions(env->action_space(), options.num_samples,
                               DeriveSeed(options.seed, "epic-actions"));
  return out;
}

EpicSamples SampleMdpTransitions(const torch::Tensor& coverage, const torch::Tensor& state_dist,
                                 const torch::Tensor& action_dist, const SampleOptions& options) {
  options.Validate();
  namespace tabular = envs::tabular;
  tabular::CheckDistribution("state distribution D_S", state_dist, -1);
  tabular::CheckDistribution("action distribution D_A", action_dist, -1);
  const int64_t s = state_dist.numel(), a = action_dist.numel();
  RLAB_CHECK(coverage.dim() == 3 && coverage.size(0) == s && coverage.size(1) == a &&
                 coverage.size(2) == s,
             "coverage must be [S, A, S] = [{}, {}, {}], got {}", s, a, s, coverage.sizes());
  tabular::CheckDistribution("coverage distribution", coverage.reshape({-1}), -1);
  const torch::Tensor flat =
      DrawIndices(coverage, options.num_transitions, DeriveSeed(options.seed, "epic-coverage"));
  EpicSamples out;
  out.coverage.obs = IndexRows(flat.div(a * s, "floor"));
  out.coverage.actions = IndexRows(flat.div(s, "floor").remainder(a));
  out.coverage.next_obs = IndexRows(flat.remainder(s));
  out.states = IndexRows(
      DrawIndices(state_dist, options.num_samples, DeriveSeed(options.seed, "epic-states")));
  out.actions = IndexRows(
      DrawIndices(action_dist, options.num_samples, DeriveSeed(options.seed, "epic-actions")));
  return out;
}

}  // namespace rlab::eval
