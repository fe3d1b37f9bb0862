// `aot_unpaired`: alignment via optimal transport, unpaired (Melnyk et al., "Distributional
// Preference Alignment of LLMs via Optimal Transport", arXiv:2406.05882), with TRL's
// semantics: the batch's chosen log-ratios and rejected log-ratios r = log pi - log ref are
// each sorted, and the i-th smallest chosen one is held against the i-th smallest rejected one,
//   -(1 - eps) log sigmoid(beta d_i) - eps log sigmoid(-beta d_i),
//   d_i = sort(r(y_c))_i - sort(r(y_r))_i,
// so the chosen rewards' distribution dominates the rejected ones' without using which
// completions were paired. The value depends on the whole batch, not on each pair alone.
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry AotUnpairedLoss() {
  return {"aot_unpaired",
          "AOT, unpaired: sorted chosen log-ratios dominate sorted rejected log-ratios",
          {DpoBetaKey(), LabelSmoothingKey()},
          [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            const double b = a.Get<double>("beta"), eps = a.Get<double>("label_smoothing");
            RLAB_CHECK(eps >= 0 && eps < 0.5,
                       "aot_unpaired: label_smoothing must be in [0, 0.5), got {}", eps);
            return std::make_unique<ReferenceLoss>(
                fmt::format("aot_unpaired(beta={}, label_smoothing={})", b, eps), b, false,
                [b, eps](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
                  const torch::Tensor d =
                      std::get<0>(torch::sort(c)) - std::get<0>(torch::sort(r));  // [B]
                  return SmoothedLogistic(b * d, eps);
                });
          }};
}

}  // namespace rlab::prefopt
