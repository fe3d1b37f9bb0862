// algo dapo: group advantages, one token-level mean over the batch, and the decoupled
// "clip-higher" range eps_high = 0.28 above eps_low (Yu et al., "DAPO: An Open-Source LLM
// Reinforcement Learning System at Scale", arXiv:2503.14476).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry DapoAlgorithm() {
  return FixedLmRlAlgorithm(
      "dapo",
      "group advantages, token-level mean, clip-higher eps 0.28 (Yu et al., arXiv:2503.14476)",
      {.advantage = "grpo", .aggregation = "dapo", .epsilon_high = 0.28});
}

}  // namespace rlab::rl
