// `apo_down`: anchored preference optimisation, the variant for chosen completions worse than
// the policy's own (D'Oosterlinck et al., "Anchored Preference Optimization and Contrastive
// Revisions", arXiv:2408.06266, eq. 8), with TRL's semantics: lower the chosen likelihood, and
// the rejected one more,
//   sigmoid(beta r(y_c)) + (1 - sigmoid(beta h)),
// with r = log pi - log ref and h = r(y_c) - r(y_r).
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry ApoDownLoss() {
  return BetaRatioLossEntry(
      "apo_down", "anchored: lower the chosen likelihood, the rejected one more", false,
      [](double b) -> ReferenceLoss::Formula {
        return [b](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          return torch::sigmoid(b * c) + (1 - torch::sigmoid(b * (c - r)));
        };
      });
}

}  // namespace rlab::prefopt
