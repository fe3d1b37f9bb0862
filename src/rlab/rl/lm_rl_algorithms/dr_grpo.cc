// algo dr_grpo: Dr. GRPO, group advantages without the division by the group's standard
// deviation and a loss over a constant length normaliser, which remove GRPO's biases towards
// groups of low spread and short answers (Liu et al., "Understanding R1-Zero-Like Training: A
// Critical Perspective", arXiv:2503.20783).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry DrGrpoAlgorithm() {
  return FixedLmRlAlgorithm(
      "dr_grpo",
      "unscaled group advantages, constant-length normaliser (Liu et al., arXiv:2503.20783)",
      {.advantage = "grpo(scale_rewards=false)", .aggregation = "dr_grpo"});
}

}  // namespace rlab::rl
