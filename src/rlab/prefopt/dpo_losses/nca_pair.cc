// `nca_pair`: noise contrastive alignment on pairs (Chen et al., "Noise Contrastive Alignment
// of Language Models with Explicit Rewards", arXiv:2402.05369), with TRL's semantics: with the
// implicit rewards a = beta (log pi - log ref)(y_c) and b = beta (log pi - log ref)(y_r),
//   -log sigmoid(a) - 0.5 log sigmoid(-a) - 0.5 log sigmoid(-b):
// each completion's own likelihood moves, not only their difference.
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry NcaPairLoss() {
  return BetaRatioLossEntry(
      "nca_pair", "NCA: raise the chosen reward's absolute level, push both down by half", false,
      [](double b) -> ReferenceLoss::Formula {
        return [b](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          const torch::Tensor chosen = b * c, rejected = b * r;  // [B]
          return torch::softplus(-chosen) + 0.5 * torch::softplus(chosen) +
                 0.5 * torch::softplus(rejected);
        };
      });
}

}  // namespace rlab::prefopt
