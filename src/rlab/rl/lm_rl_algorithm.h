// The algorithms of `rlab rl` (the language-model policy-gradient family) as a registry: an
// entry names what distinguishes an algorithm from its siblings, the default advantage
// estimator (rl/group_advantages.h), the default loss aggregation and upper clip range
// (rl/policy_gradient_loss.h), and how the trainer runs it: whether advantages need a group
// of completions per prompt, whether a critic is trained beside the policy (PPO), and whether
// the policy is trained at all (best-of-N is not). The options `advantage`,
// `loss_aggregation` and `epsilon_high` override the defaults. Each entry lives in its own
// file under rl/lm_rl_algorithms/ with its paper; adding one is a file and a line in
// RegisterLmRlAlgorithms().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/rl/policy_gradient_loss.h"

namespace rlab::rl {

struct LmRlAlgorithm {
  std::string name;
  std::string advantage = "grpo";    // the default advantage estimator's spec
  std::string aggregation = "grpo";  // the default loss aggregation's spec (loss_aggregations.h)
  double epsilon_high = -1;          // the default upper clip range; < 0: epsilon_low
  bool group_baseline = true;        // advantages compare completions of one prompt
  bool trains_critic = false;        // a value model trained with the policy (GAE advantages)
  bool trains = true;                // false: sampling only (best-of-N)

  // group_size must be at least this: a group baseline needs two samples.
  int64_t MinGroupSize() const { return group_baseline ? 2 : 1; }
};

using LmRlAlgorithmRegistry = Registry<LmRlAlgorithm>;
LmRlAlgorithmRegistry& LmRlAlgorithms();
void RegisterLmRlAlgorithms();  // safe to call more than once
// An unknown name fails listing the registered ones.
std::unique_ptr<LmRlAlgorithm> MakeLmRlAlgorithm(std::string_view spec);

// Checks that `group_size` completions per prompt suit `algorithm`: the one place of the bound.
void CheckGroupSize(const LmRlAlgorithm& algorithm, int64_t group_size);

// An entry without keys that creates `algorithm` under `name`.
LmRlAlgorithmRegistry::Entry FixedLmRlAlgorithm(std::string name, std::string help,
                                                LmRlAlgorithm algorithm);

// The builtin entries, one file each in rl/lm_rl_algorithms/.
LmRlAlgorithmRegistry::Entry GrpoAlgorithm();
LmRlAlgorithmRegistry::Entry DrGrpoAlgorithm();
LmRlAlgorithmRegistry::Entry DapoAlgorithm();
LmRlAlgorithmRegistry::Entry RlooAlgorithm();
LmRlAlgorithmRegistry::Entry ReinforcePpAlgorithm();
LmRlAlgorithmRegistry::Entry BnpoAlgorithm();
LmRlAlgorithmRegistry::Entry PpoAlgorithm();
LmRlAlgorithmRegistry::Entry BestOfNAlgorithm();

}  // namespace rlab::rl
