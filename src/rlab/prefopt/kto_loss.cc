#include "rlab/prefopt/kto_loss.h"

#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::prefopt {

void KtoOptions::Validate() const {
  RLAB_CHECK(beta > 0, "kto: beta must be > 0, got {}", beta);
  RLAB_CHECK(desirable_weight > 0 && undesirable_weight > 0,
             "kto: desirable_weight and undesirable_weight must be > 0");
}

KtoOutput KtoLoss(const KtoInputs& in, const KtoOptions& o) {
  o.Validate();
  RLAB_CHECK(in.logps.dim() == 1 && in.ref_logps.sizes() == in.logps.sizes() &&
                 in.desirable.sizes() == in.logps.sizes(),
             "kto: logps, ref_logps and desirable must all be [B]");
  RLAB_CHECK(in.kl_logps.defined() && in.kl_logps.numel() > 0 &&
                 in.kl_ref_logps.sizes() == in.kl_logps.sizes(),
             "kto: the reference point needs log-probs of mismatched pairs under both models");
  const torch::Tensor z = (in.kl_logps - in.kl_ref_logps).mean().clamp_min(0).detach();
  const torch::Tensor r = in.logps - in.ref_logps;
  const torch::Tensor desirable = in.desirable.to(torch::kBool);
  const torch::Tensor losses =
      torch::where(desirable, o.desirable_weight * (1 - torch::sigmoid(o.beta * (r - z))),
                   o.undesirable_weight * (1 - torch::sigmoid(o.beta * (z - r))));
  return {losses.mean(), z, (o.beta * r).detach()};
}

}  // namespace rlab::prefopt
