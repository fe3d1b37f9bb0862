#include "rlab/prefopt/dpo_losses/loss_parts.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::prefopt {

void CheckDpoShapes(const PreferenceLogps& p, bool reference) {
  RLAB_CHECK(p.chosen.dim() == 1 && p.chosen.sizes() == p.rejected.sizes(),
             "DPO loss: chosen and rejected log-probs must both be [B]");
  if (reference) {
    RLAB_CHECK(p.ref_chosen.defined() && p.ref_chosen.sizes() == p.chosen.sizes() &&
                   p.ref_rejected.defined() && p.ref_rejected.sizes() == p.chosen.sizes(),
               "DPO loss: this loss needs the reference's log-probs, [B] each");
  }
}

torch::Tensor SmoothedLogistic(const torch::Tensor& z, double eps) {
  return (1 - eps) * torch::softplus(-z) + eps * torch::softplus(z);
}

torch::Tensor PerToken(const torch::Tensor& logps, const torch::Tensor& tokens) {
  RLAB_CHECK(tokens.defined() && tokens.sizes() == logps.sizes(),
             "DPO loss: this loss needs the completion lengths, [B]");
  return logps / tokens.to(logps.dtype()).clamp_min(1);
}

torch::Tensor RewardWeightedRatioSum(const torch::Tensor& ratios, const torch::Tensor& rewards,
                                     const torch::Tensor& like, const std::string& loss,
                                     const std::string& side) {
  RLAB_CHECK(ratios.defined() && rewards.defined(),
             "{} weighs tokens and needs the {} completions' per-token log-ratios and token "
             "rewards (PreferenceLogps.{}_token_ratios and {}_token_rewards), which this caller "
             "does not give: rlab dpo scores whole sequences; use sigmoid there",
             loss, side, side, side);
  RLAB_CHECK(
      ratios.dim() == 2 && ratios.sizes() == rewards.sizes() && ratios.size(0) == like.size(0),
      "{}: {}_token_ratios and {}_token_rewards must both be [B, T] with B = {}, got {} "
      "and {}",
      loss, side, side, like.size(0), ratios.sizes(), rewards.sizes());
  return (rewards.detach().to(like.dtype()) * ratios.to(like.dtype())).sum(1);  // [B]
}

KeyDoc DpoBetaKey() {
  return {"beta", "0.1", "strength of the KL regularisation (inverse temperature)"};
}

KeyDoc LabelSmoothingKey(const std::string& default_value) {
  return {"label_smoothing", default_value, "probability that a label is wrong"};
}

ReferenceLoss::ReferenceLoss(std::string description, double beta, bool length_average,
                             Formula formula)
    : description_(std::move(description)),
      beta_(beta),
      average_(length_average),
      formula_(std::move(formula)) {
  RLAB_CHECK(beta > 0, "DPO loss: beta must be > 0, got {}", beta);
}

DpoLossOutput ReferenceLoss::operator()(const PreferenceLogps& p) const {
  CheckDpoShapes(p, true);
  torch::Tensor c = p.chosen - p.ref_chosen, r = p.rejected - p.ref_rejected;  // [B]
  if (average_) {
    c = PerToken(c, p.chosen_tokens);
    r = PerToken(r, p.rejected_tokens);
  }
  return {formula_(c, r, p).mean(), (beta_ * (p.chosen - p.ref_chosen)).detach(),
          (beta_ * (p.rejected - p.ref_rejected)).detach()};
}

DpoLossRegistry::Entry BetaRatioLossEntry(
    const std::string& name, const std::string& help, bool length_average,
    const std::function<ReferenceLoss::Formula(double beta)>& formula) {
  return {name, help, {DpoBetaKey()}, [=](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            const double b = a.Get<double>("beta");
            return std::make_unique<ReferenceLoss>(fmt::format("{}(beta={})", name, b), b,
                                                   length_average, formula(b));
          }};
}

DpoLossRegistry::Entry SmoothedRatioLossEntry(
    const std::string& name, const std::string& help, const std::string& default_eps,
    bool zero_allowed, const std::string& zero_hint,
    const std::function<ReferenceLoss::Formula(double beta, double eps)>& formula) {
  return {name,
          help,
          {DpoBetaKey(), LabelSmoothingKey(default_eps)},
          [=](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            const double b = a.Get<double>("beta"), eps = a.Get<double>("label_smoothing");
            RLAB_CHECK((zero_allowed ? eps >= 0 : eps > 0) && eps < 0.5,
                       "{}: label_smoothing must be in {}0, 0.5), got {}{}", name,
                       zero_allowed ? "[" : "(", eps, zero_hint);
            return std::make_unique<ReferenceLoss>(
                fmt::format("{}(beta={}, label_smoothing={})", name, b, eps), b, false,
                formula(b, eps));
          }};
}

}  // namespace rlab::prefopt
