// `sigmoid_norm`: length-normalised DPO, with TRL's semantics: DPO's logistic loss on log-ratios
// against the reference divided by each completion's length,
//   -log sigmoid(beta (r(y_c) / |y_c| - r(y_r) / |y_r|)),  r = log pi - log ref
// (the length-normalised DPO of Lambert et al., "Tulu 3: Pushing Frontiers in Open Language
// Model Post-Training", arXiv:2411.15124; unlike simpo it keeps the reference). The logged
// rewards stay beta r, unnormalised, as TRL logs them.
#include <torch/torch.h>

#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry SigmoidNormLoss() {
  return BetaRatioLossEntry("sigmoid_norm", "DPO's logistic loss on length-normalised log-ratios",
                            true, [](double b) -> ReferenceLoss::Formula {
                              return [b](const torch::Tensor& c, const torch::Tensor& r,
                                         const PreferenceLogps&) {
                                return torch::softplus(-b * (c - r));
                              };
                            });
}

}  // namespace rlab::prefopt
