// `aot_unpaired`: alignment via optimal transport, unpaired (Melnyk et al., "Distributional
// Preference Alignment of LLMs via Optimal Transport", arXiv:2406.05882), with TRL's
// semantics: the batch's chosen log-ratios and rejected log-ratios r = log pi - log ref are
// each sorted, and the i-th smallest chosen one is held against the i-th smallest rejected one,
//   -(1 - eps) log sigmoid(beta d_i) - eps log sigmoid(-beta d_i),
//   d_i = sort(r(y_c))_i - sort(r(y_r))_i,
// so the chosen rewards' distribution dominates the rejected ones' without using which
// completions were paired. The value depends on the whole batch, not on each pair alone.
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry AotUnpairedLoss() {
  return SmoothedRatioLossEntry(
      "aot_unpaired", "AOT, unpaired: sorted chosen log-ratios dominate sorted rejected ones", "0",
      true, "", [](double b, double eps) -> ReferenceLoss::Formula {
        return [b, eps](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
          const torch::Tensor d = std::get<0>(torch::sort(c)) - std::get<0>(torch::sort(r));  // [B]
          return SmoothedLogistic(b * d, eps);
        };
      });
}

}  // namespace rlab::prefopt
