// algo bnpo: advantages normalised by a Beta density fitted to the batch's success rates, for
// binary rewards (Xiao et al., "BNPO: Beta Normalization Policy Optimization",
// arXiv:2506.02864).
#include "rlab/rl/lm_rl_algorithm.h"

namespace rlab::rl {

LmRlAlgorithmRegistry::Entry BnpoAlgorithm() {
  return FixedLmRlAlgorithm(
      "bnpo", "Beta-normalised advantages for binary rewards (Xiao et al., arXiv:2506.02864)",
      {.advantage = "bnpo", .aggregation = "grpo"});
}

}  // namespace rlab::rl
