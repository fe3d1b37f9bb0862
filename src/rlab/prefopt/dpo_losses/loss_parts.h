// The pieces the DPO registry's losses share (dpo_losses.h): input checks, the smoothed
// logistic loss, per-token log-probs, the keys every loss documents alike, and ReferenceLoss,
// a loss given as one formula of the chosen and rejected log-ratios against the reference.
#pragma once

#include <torch/types.h>

#include <functional>
#include <string>

#include "rlab/core/registry.h"
#include "rlab/prefopt/dpo_losses.h"

namespace rlab::prefopt {

// The policy's chosen and rejected log-probs are [B] each, and with `reference` so are the
// reference's.
void CheckDpoShapes(const PreferenceLogps& p, bool reference);

// -(1 - eps) log sigmoid(z) - eps log sigmoid(-z), element-wise: the logistic loss of a label
// flipped with probability eps.
torch::Tensor SmoothedLogistic(const torch::Tensor& z, double eps);

// logps / tokens, element-wise ([B] each; lengths below 1 count as 1).
torch::Tensor PerToken(const torch::Tensor& logps, const torch::Tensor& tokens);

// sum_t rewards[b, t] * ratios[b, t] per row: [B] in `like`'s dtype, for the token-level losses
// (tgdpo, t_reg) on one side of the pairs; `loss` and `side` ("chosen", "rejected") name them in
// the error when the caller gave no token-level inputs or gave them in other shapes.
torch::Tensor RewardWeightedRatioSum(const torch::Tensor& ratios, const torch::Tensor& rewards,
                                     const torch::Tensor& like, const std::string& loss,
                                     const std::string& side);

// The documented keys: `beta` (default 0.1, as TRL's DPOConfig) and `label_smoothing`.
KeyDoc DpoBetaKey();
KeyDoc LabelSmoothingKey(const std::string& default_value = "0");

// A loss whose pairs' values are formula(chosen_ratio, rejected_ratio, logps) [B], the ratios
// being log pi - log ref of each completion [B] (divided by its length with length_average);
// the loss is their batch mean and the logged rewards are beta (log pi - log ref).
class ReferenceLoss : public DpoLoss {
 public:
  using Formula = std::function<torch::Tensor(const torch::Tensor& chosen_ratio,
                                              const torch::Tensor& rejected_ratio,
                                              const PreferenceLogps& logps)>;
  ReferenceLoss(std::string description, double beta, bool length_average, Formula formula);
  DpoLossOutput operator()(const PreferenceLogps& p) const override;
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  double beta_;
  bool average_;
  Formula formula_;
};

// A registry entry whose loss is ReferenceLoss(formula(beta)) and whose only key is beta; it
// describes itself as "name(beta=...)".
DpoLossRegistry::Entry BetaRatioLossEntry(
    const std::string& name, const std::string& help, bool length_average,
    const std::function<ReferenceLoss::Formula(double beta)>& formula);

// Likewise with label_smoothing (default `default_eps`) as a second key: eps must be below 0.5,
// and above 0 unless `zero_allowed` (`zero_hint` says why not, in the error).
DpoLossRegistry::Entry SmoothedRatioLossEntry(
    const std::string& name, const std::string& help, const std::string& default_eps,
    bool zero_allowed, const std::string& zero_hint,
    const std::function<ReferenceLoss::Formula(double beta, double eps)>& formula);

}  // namespace rlab::prefopt
