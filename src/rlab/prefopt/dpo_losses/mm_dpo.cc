// MM-DPO: DPO with dynamic reward scaling (Zhang et al., "MM-RLHF: The Next Step Forward in
// Multimodal LLM Alignment", arXiv:2502.10391). Each pair's beta grows with the reward margin
// delta its data records (a reward model's, or the raters' score difference):
//   beta_i = beta (1 + w (1 - exp(-k delta_i))),  loss_i = -log sigmoid(beta_i h_i)
// with h the DPO log-ratio difference. A pair with a clear margin is trusted more; w = 0 is
// sigmoid DPO. A negative margin (a label its own scores contradict) is taken as 0, so that
// beta_i never falls below beta and never turns negative. The logged implicit rewards use beta.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry MmDpoLoss() {
  return {
      "mm_dpo",
      "MM-DPO: sigmoid DPO whose beta grows with each pair's reward margin (needs margins)",
      {DpoBetaKey(),
       {"w", "0.5", "how far beta grows: to beta (1 + w) at a large margin"},
       {"k", "0.5", "how fast beta grows with the margin"}},
      [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
        const double b = a.Get<double>("beta"), w = a.Get<double>("w"), k = a.Get<double>("k");
        RLAB_CHECK(w >= 0, "mm_dpo: w must be >= 0, got {}", w);
        RLAB_CHECK(k > 0, "mm_dpo: k must be > 0, got {}", k);
        return std::make_unique<ReferenceLoss>(
            fmt::format("mm_dpo(beta={}, w={}, k={})", b, w, k), b, false,
            [b, w, k](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps& p) {
              RLAB_CHECK(p.margins.defined(),
                         "mm_dpo needs each pair's reward margin, and this data gives none: "
                         "give every record a 'margin', or 'score_chosen' and "
                         "'score_rejected' (task pairs carry their gold rewards as scores)");
              RLAB_CHECK(p.margins.sizes() == c.sizes(), "mm_dpo: margins must be [B]");
              const torch::Tensor delta = p.margins.to(c.dtype()).clamp_min(0);  // [B]
              const torch::Tensor pair_beta = b * (1 + w * (1 - torch::exp(-k * delta)));
              return torch::softplus(-pair_beta * (c - r));  // [B]
            });
      }};
}

}  // namespace rlab::prefopt
