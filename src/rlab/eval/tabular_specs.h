// Finite MDPs named by specs, for the reward-distance tools: `GridWorld(rows=4, cols=4)`,
// `RandomMdp(num_states=5, num_actions=3, seed=0)`. The keys and defaults follow
// GridWorldOptions and RandomMdpOptions (rlab/envs/tabular).
#pragma once

#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::eval {

using TabularMdpRegistry = Registry<envs::tabular::FiniteMdp>;
// The registry, with GridWorld and RandomMdp registered.
const TabularMdpRegistry& TabularMdps();

// Whether `spec` names a finite MDP of the registry (its name, keys aside).
bool IsTabularSpec(std::string_view spec);

envs::tabular::FiniteMdp MakeTabularMdp(std::string_view spec);

}  // namespace rlab::eval
