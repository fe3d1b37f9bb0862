// algo bon: best-of-N sampling with N = group_size, the optimiser without training: the
// reward source picks the best of N samples of the policy (Nakano et al., "WebGPT:
// Browser-assisted question-answering with human feedback", arXiv:2112.09332; Gao et al.,
// "Scaling Laws for Reward Model Overoptimization", arXiv:2210.10760). The estimator and
// aggregation defaults go unused.
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry BestOfNAlgorithm() {
  return FixedLmRlAlgorithm(
      "bon",
      "best-of-N sampling with N = group_size, no training (Nakano et al., "
      "arXiv:2112.09332)",
      {.advantage = "grpo", .aggregation = "grpo", .group_baseline = false, .trains = false});
}

}  // namespace rlab::rl
