// `exo_pair`: EXO on pairs (Ji et al., "Towards Efficient Exact Optimization of Language Model
// Alignment", arXiv:2402.00856, eq. 16), with TRL's semantics: the KL divergence from the
// policy's preference distribution over the pair, q = (sigmoid(z), sigmoid(-z)) with z = beta h
// (h the difference of the chosen and rejected log-ratios against the reference), to the
// smoothed label p = (1 - eps, eps):
//   sigmoid(z) (log sigmoid(z) - log(1 - eps)) + sigmoid(-z) (log sigmoid(-z) - log eps).
// eps must be > 0 (the paper uses 1e-3): at 0 the loss is infinite.
#include <torch/torch.h>

#include <cmath>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry ExoPairLoss() {
  return SmoothedRatioLossEntry(
      "exo_pair",
      "EXO: KL from the policy's pair preference to the label smoothed by label_smoothing", "0.001",
      false, "; the loss is infinite at 0 (the EXO paper uses 0.001)",
      [](double b, double eps) -> ReferenceLoss::Formula {
        return [b, eps](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          const torch::Tensor z = b * (c - r);  // [B]
          const torch::Tensor log_win = -torch::softplus(-z), log_lose = -torch::softplus(z);
          return log_win.exp() * (log_win - std::log1p(-eps)) +
                 log_lose.exp() * (log_lose - std::log(eps));
        };
      });
}

}  // namespace rlab::prefopt
