// algo rloo: REINFORCE with the leave-one-out baseline, the mean reward of the other
// completions of the prompt (Ahmadian et al., "Back to Basics: Revisiting REINFORCE Style
// Optimization for Learning from Human Feedback in LLMs", arXiv:2402.14740).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry RlooAlgorithm() {
  return FixedLmRlAlgorithm("rloo", "leave-one-out baseline (Ahmadian et al., arXiv:2402.14740)",
                            {.advantage = "rloo", .aggregation = "grpo"});
}

}  // namespace rlab::rl
