// `cdpo`: conservative DPO, DPO's logistic loss on labels flipped with probability eps,
//   -(1 - eps) log sigmoid(beta h) - eps log sigmoid(-beta h)
// with h the difference of the chosen and rejected log-ratios against the reference (Mitchell,
// "A note on DPO with noisy preferences & relationship to IPO", 2023, a note without an arXiv
// id; the loss TRL's `sigmoid` computed with label_smoothing before TRL dropped it there).
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry CdpoLoss() {
  return SmoothedRatioLossEntry(
      "cdpo",
      "conservative DPO: the logistic loss with labels flipped with probability "
      "label_smoothing",
      "0.1", false, "; with 0 it is sigmoid: set label_smoothing (e.g. 0.1) or use sigmoid",
      [](double b, double eps) -> ReferenceLoss::Formula {
        return [b, eps](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          return SmoothedLogistic(b * (c - r), eps);
        };
      });
}

}  // namespace rlab::prefopt
