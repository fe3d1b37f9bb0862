// Samples for the sample-based reward distances (epic_sampled.h): transitions from a coverage
// distribution, and separate samples of states and actions for the canonicalisation's
// expectations (Gleave et al., "Quantifying Differences in Reward Functions",
// arXiv:2006.13900, section 4 and appendix on sample-based EPIC).
//
// Two sources:
//   - a continuous environment from the registry, driven by a uniformly random policy: the
//     coverage distribution is the transitions of its rollouts, D_S the states they visit
//     (drawn from separate rollouts) and D_A the uniform distribution over actions;
//   - a finite MDP, with states and actions as index rows (see
//     rlab/reward/signal/tabular_reward.h):
//     transitions drawn from a given coverage distribution [S, A, S] and states and actions
//     from given D_S and D_A, so the result can be checked against the exact distances.
// Every draw comes from rlab::Rng streams derived from the seed: the same seed gives the same
// samples.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string_view>

#include "rlab/envs/space.h"

namespace rlab::eval {

struct TransitionSamples {
  torch::Tensor obs;       // [N, D] float32
  torch::Tensor actions;   // [N, A] float32 (a discrete action is its index)
  torch::Tensor next_obs;  // [N, D] float32
  int64_t size() const { return obs.size(0); }
};

struct EpicSamples {
  TransitionSamples coverage;  // [N] transitions where the canonicalised rewards are compared
  torch::Tensor states;        // [M, D] float32 samples of D_S, used as S and as S'
  torch::Tensor actions;       // [M, A] float32 samples of D_A
  // Throws unless the shapes agree (N, M >= 2).
  void Validate() const;
};

struct SampleOptions {
  int64_t num_transitions = 4096;  // N, as in the EPIC paper
  int64_t num_samples = 4096;      // M, as in the EPIC paper
  int64_t num_envs = 32;           // parallel rollouts (environment sources only)
  uint64_t seed = 0;
  void Validate() const;
};

// Actions drawn uniformly from a space   -> float32 [n, A]; a box needs finite bounds.
torch::Tensor UniformActions(const envs::Space& space, int64_t n, uint64_t seed);

// Rollouts of a uniformly random policy in the environment `env_spec` (from the registry).
EpicSamples SampleEnvTransitions(std::string_view env_spec, const SampleOptions& options);

// Transitions from coverage [S, A, S], states from state_dist [S] and actions from
// action_dist [A] (each a float64 distribution), as index rows.
EpicSamples SampleMdpTransitions(const torch::Tensor& coverage, const torch::Tensor& state_dist,
                                 const torch::Tensor& action_dist, const SampleOptions& options);

}  // namespace rlab::eval
