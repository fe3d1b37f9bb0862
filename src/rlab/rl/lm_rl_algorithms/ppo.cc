// algo ppo: PPO as the RLHF recipe runs it, a critic (a value head on a copy of the starting
// policy) trained with the policy, per-token rewards, GAE and clipped policy and value losses
// (rl/lm_ppo.h; Ouyang et al., "Training language models to follow instructions with human
// feedback", arXiv:2203.02155). Advantages come from GAE, not from a group, so one completion
// per prompt suffices; the advantage entry is validated but unused.
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry PpoAlgorithm() {
  return FixedLmRlAlgorithm(
      "ppo",
      "a critic, per-token rewards, GAE, clipped policy and value losses (Ouyang et al., "
      "arXiv:2203.02155); group_size may be 1",
      {.advantage = "grpo", .aggregation = "dapo", .group_baseline = false, .trains_critic = true});
}

}  // namespace rlab::rl
