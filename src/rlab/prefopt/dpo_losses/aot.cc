// `aot`: alignment via optimal transport, paired (Melnyk et al., "Distributional Preference
// Alignment of LLMs via Optimal Transport", arXiv:2406.05882), with TRL's semantics: the
// batch's policy margins log pi(y_c) - log pi(y_r) and reference margins log ref(y_c) -
// log ref(y_r) are each sorted, and the i-th smallest policy margin is held against the i-th
// smallest reference margin with the smoothed logistic loss,
//   -(1 - eps) log sigmoid(beta d_i) - eps log sigmoid(-beta d_i),
//   d_i = sort(policy margins)_i - sort(reference margins)_i,
// a first-order stochastic dominance of the policy's margins over the reference's. The value
// depends on the whole batch, not on each pair alone.
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry AotLoss() {
  return SmoothedRatioLossEntry(
      "aot", "AOT, paired: sorted policy margins dominate sorted reference margins", "0", true, "",
      [](double b, double eps) -> ReferenceLoss::Formula {
        return [b, eps](const torch::Tensor&, const torch::Tensor&, const PreferenceLogps& p) {
          const torch::Tensor policy = std::get<0>(torch::sort(p.chosen - p.rejected));
          const torch::Tensor reference =
              std::get<0>(torch::sort(p.ref_chosen - p.ref_rejected));  // [B] each
          return SmoothedLogistic(b * (policy - reference), eps);
        };
      });
}

}  // namespace rlab::prefopt
