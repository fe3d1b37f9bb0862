#include "rlab/rl/policy_gradient_loss.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/rl/loss_aggregations.h"

namespace rlab::rl {

namespace {

void CheckShapes(const PolicyLossInputs& in) {
  RLAB_CHECK(in.logp.defined() && in.logp.dim() == 2, "policy loss: logp must be [B, T], got {}",
             in.logp.defined() ? fmt::format("{}", in.logp.sizes()) : "nothing");
  const auto bt = in.logp.sizes();
  RLAB_CHECK(in.old_logp.defined() && in.old_logp.sizes() == bt,
             "policy loss: old_logp must be [B, T] = {}", bt);
  RLAB_CHECK(in.mask.defined() && in.mask.sizes() == bt, "policy loss: mask must be [B, T] = {}",
             bt);
  RLAB_CHECK(
      in.advantages.defined() && (in.advantages.sizes() == bt ||
                                  (in.advantages.dim() == 1 && in.advantages.size(0) == bt[0])),
      "policy loss: advantages must be [B] or [B, T] with [B, T] = {}", bt);
  RLAB_CHECK(!in.ref_logp.defined() || in.ref_logp.sizes() == bt,
             "policy loss: ref_logp must be [B, T] = {}", bt);
}

// Token mean of `values` over the mask, as a double (0 for an empty mask).
double MaskedMean(const torch::Tensor& values, const torch::Tensor& m) {
  const double count = m.sum().item<double>();
  return count > 0 ? (values.detach().to(m.dtype()) * m).sum().item<double>() / count : 0.0;
}

}  // namespace

void PolicyLossSettings::Validate() const {
  RLAB_CHECK(epsilon_low >= 0 && epsilon_low < 1,
             "policy loss: epsilon_low must be in [0, 1), got {}", epsilon_low);
  RLAB_CHECK(epsilon_high >= 0, "policy loss: epsilon_high must be >= 0, got {}", epsilon_high);
  RLAB_CHECK(std::isfinite(beta) && beta >= 0, "policy loss: beta must be >= 0, got {}", beta);
  RLAB_CHECK(max_completion_length >= 0, "policy loss: max_completion_length must be >= 0, got {}",
             max_completion_length);
}

PolicyLossOutput PolicyGradientLoss(const PolicyLossInputs& in, const PolicyLossSettings& s) {
  s.Validate();
  CheckShapes(in);
  RLAB_CHECK(s.beta == 0 || in.ref_logp.defined(),
             "policy loss: beta = {} needs the reference policy's log-probs (ref_logp)", s.beta);
  const torch::Tensor m = in.mask.to(in.logp.dtype());  // [B, T]
  const torch::Tensor a =
      (in.advantages.dim() == 1 ? in.advantages.unsqueeze(1) : in.advantages).detach();  // [B, 1|T]
  const torch::Tensor log_ratio = in.logp - in.old_logp.detach();
  const torch::Tensor ratio = torch::exp(log_ratio);  // [B, T]
  const torch::Tensor clipped = ratio.clamp(1 - s.epsilon_low, 1 + s.epsilon_high);
  torch::Tensor per_token = -torch::min(ratio * a, clipped * a);  // [B, T]

  PolicyLossOutput out;
  if (in.ref_logp.defined()) {
    const torch::Tensor kl = reward::PerTokenKl(in.logp, in.ref_logp.detach(), s.kl_estimator);
    if (s.beta > 0) per_token = per_token + s.beta * kl;
    out.kl = MaskedMean(kl, m);
  }

  out.loss = MakeLossAggregation(s.aggregation)->Reduce(per_token, m, s.max_completion_length);

  // Statistics, without gradient. The clip is active (gradient 0) only on the side where
  // the advantage pushes the ratio further out.
  const torch::Tensor r = ratio.detach();
  const torch::Tensor a_full = a.expand_as(r);
  const torch::Tensor low = (r < 1 - s.epsilon_low) & (a_full < 0);
  const torch::Tensor high = (r > 1 + s.epsilon_high) & (a_full > 0);
  out.clip_ratio_low = MaskedMean(low, m);
  out.clip_ratio_high = MaskedMean(high, m);
  out.clip_ratio = MaskedMean(low | high, m);
  // k3 of the current policy against the old one: (rho - 1) - log rho.
  const torch::Tensor lr = log_ratio.detach();
  out.approx_kl = MaskedMean(torch::expm1(lr) - lr, m);
  return out;
}

}  // namespace rlab::rl
