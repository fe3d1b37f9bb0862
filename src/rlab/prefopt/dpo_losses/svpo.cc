// SVPO: step-level value preference optimisation (Chen et al., "Step-level Value Preference
// Optimization for Mathematical Reasoning", arXiv:2406.10858). Tree search labels steps: two
// next steps from the same prefix form a pair, the one of higher Monte-Carlo value Q preferred,
// and DPO runs on these step pairs (the completion is the step); a value model is trained
// beside it to rank like the implicit reward and to regress the search's Q-values. Per pair,
// with h the step's DPO log-ratio difference and dq = Q(chosen) - Q(rejected) the pair's margin:
//   -log sigmoid(beta h) + lambda (beta h - dq)^2
// What differs from the paper at this scale: no separate value head; its two losses are put on
// DPO's implicit step reward beta (log pi - log ref), the ranking being DPO's own term, and the
// regression on differences of Q because a pair's data carries only the margin dq. The value-
// guided step-level search at inference is not built. lambda = 0 is sigmoid DPO on step pairs.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry SvpoLoss() {
  return {
      "svpo",
      "SVPO: sigmoid DPO on step pairs plus lambda (beta h - dq)^2, dq the pair's value "
      "margin from tree search (needs margins)",
      {DpoBetaKey(), {"lambda", "1", "weight of the value regression on the margins"}},
      [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
        const double b = a.Get<double>("beta"), lambda = a.Get<double>("lambda");
        RLAB_CHECK(lambda >= 0, "svpo: lambda must be >= 0, got {}", lambda);
        return std::make_unique<ReferenceLoss>(
            fmt::format("svpo(beta={}, lambda={})", b, lambda), b, false,
            [b, lambda](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps& p) {
              RLAB_CHECK(p.margins.defined() && p.margins.sizes() == c.sizes(),
                         "svpo needs each step pair's value margin Q(chosen) - "
                         "Q(rejected), [B], and this data gives none: give every record a "
                         "'margin', or 'score_chosen' and 'score_rejected'");
              const torch::Tensor implicit_margin = b * (c - r);  // [B]
              return torch::softplus(-implicit_margin) +
                     lambda * (implicit_margin - p.margins.to(c.dtype())).pow(2);  // [B]
            });
      }};
}

}  // namespace rlab::prefopt
