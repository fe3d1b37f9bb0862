// Reward specs: `true`, `negated`, `scaled(factor=0.5)`, `shaped(scale=2, potential=random,
// seed=3)`, `random(seed=1)`, built against one environment (a continuous one from the
// environment registry, or a finite MDP whose states and actions are index rows, see
// tabular_reward.h). A learned reward model will register here as one more entry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/reward/signal/reward_fn.h"

namespace rlab::reward {

// What a reward spec is built against.
struct RewardSpecContext {
  std::function<RewardPtr()> true_reward;  // the environment's own reward
  int64_t obs_dim = 0;
  int64_t action_dim = 0;
  double gamma = 0.99;      // the discount that shaping uses
  int64_t num_states = 0;   // > 0 for a finite MDP: observations are state indices
  int64_t num_actions = 0;  // > 0 for a finite MDP: actions are action indices
  bool tabular() const { return num_states > 0; }
};

using RewardSpecRegistry = Registry<RewardFn, const RewardSpecContext&>;
RewardSpecRegistry& RewardSpecs();

// Registers the builtin reward specs (safe to call more than once).
void RegisterBuiltins();

// The reward a spec names; an unknown name lists the valid ones.
RewardPtr MakeReward(std::string_view spec, const RewardSpecContext& context);

}  // namespace rlab::reward
