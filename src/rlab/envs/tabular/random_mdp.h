// Random finite MDPs for property tests and experiments, drawn from one seed.
//
// Each row P(. | s, a) puts Dirichlet(concentration) weights on `successors` distinct next
// states chosen uniformly (all states when successors is 0); rewards R(s, a, s') are
// independent Normal(0, reward_std); the initial distribution is Dirichlet(concentration)
// over all states.
#pragma once

#include <cstdint>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::envs::tabular {

struct RandomMdpOptions {
  int64_t num_states = 5;
  int64_t num_actions = 3;
  int64_t successors = 0;      // 0: dense rows; otherwise in [1, num_states]
  double concentration = 1.0;  // Dirichlet parameter, > 0
  double reward_std = 1.0;     // >= 0
  double gamma = 0.9;
  uint64_t seed = 0;
};

// Deterministic per options (seed included): the same options give bit-identical tensors.
FiniteMdp MakeRandomMdp(const RandomMdpOptions& options);

}  // namespace rlab::envs::tabular
