// `sppo_hard`: SPPO with hard probabilities (Wu et al., "Self-Play Preference Optimization for
// Language Model Alignment", arXiv:2405.00675, eq. 4.7 with P(y_c > y_r) set to 1 for the
// winner and 0 for the loser), with TRL's semantics: the log-ratios r = log pi - log ref
// regress onto +-1/(2 beta),
//   (r(y_c) - 1/(2 beta))^2 + (r(y_r) + 1/(2 beta))^2.
// The soft version, with probabilities from a preference model, is an online objective.
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry SppoHardLoss() {
  return BetaRatioLossEntry(
      "sppo_hard", "SPPO, hard labels: each log-ratio regresses onto +-1/(2 beta)", false,
      [](double b) -> ReferenceLoss::Formula {
        return [b](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          return (c - 0.5 / b).pow(2) + (r + 0.5 / b).pow(2);
        };
      });
}

}  // namespace rlab::prefopt
