// algo grpo: group-normalised advantages, (r - group mean) / group std, and a loss that takes
// each sequence's token mean, then the mean over sequences (Shao et al., "DeepSeekMath:
// Pushing the Limits of Mathematical Reasoning in Open Language Models", arXiv:2402.03300).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry GrpoAlgorithm() {
  return FixedLmRlAlgorithm(
      "grpo", "group-normalised advantages, per-sequence loss mean (Shao et al., arXiv:2402.03300)",
      {.advantage = "grpo", .aggregation = "grpo"});
}

}  // namespace rlab::rl
