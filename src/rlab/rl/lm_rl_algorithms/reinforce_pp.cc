// algo reinforce_pp: REINFORCE++, advantages normalised over the whole batch rather than per
// prompt, with a token-level loss mean (Hu, "REINFORCE++: A Simple and Efficient Approach for
// Aligning Large Language Models", arXiv:2501.03262).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry ReinforcePpAlgorithm() {
  return FixedLmRlAlgorithm("reinforce_pp", "batch-normalised advantages (Hu, arXiv:2501.03262)",
                            {.advantage = "reinforce_pp", .aggregation = "dapo"});
}

}  // namespace rlab::rl
