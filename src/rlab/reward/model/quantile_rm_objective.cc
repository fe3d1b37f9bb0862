// The distributional reward model of Dorka, "Quantile Regression for Distributional Reward
// Models in RLHF" (arXiv:2409.10164): the head predicts Q quantiles of a response's rating at
// the midpoints tau_i = (2i + 1) / 2Q, trained with the pinball loss
//   rho_tau(u) = max(tau u, (tau - 1) u),  u = rating - q_tau,
// averaged over the rated rows and the quantiles. The paper regresses attribute ratings; here
// the ratings are the data's score_chosen / score_rejected. The scalar reward is the mean of
// the quantiles, or one quantile for a risk-averse reward (the paper's risk-aware use).
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/preference_losses.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::reward {

namespace {

class QuantileObjective : public RewardModelObjective {
 public:
  QuantileObjective(int64_t quantiles, double reward_at, double bt_weight)
      : quantiles_(quantiles), reward_at_(reward_at), bt_weight_(bt_weight) {
    RLAB_CHECK(quantiles >= 2, "quantile: quantiles must be >= 2, got {}", quantiles);
    RLAB_CHECK(reward_at < 0 || (reward_at > 0 && reward_at < 1),
               "quantile: reward_at must be a level in (0, 1), or negative for the mean; got {}",
               reward_at);
    RLAB_CHECK(bt_weight >= 0, "quantile: bt_weight must be >= 0");
    taus_ = (torch::arange(quantiles, torch::kFloat64) * 2 + 1) / (2.0 * quantiles);
  }
  int64_t head_size() const override { return quantiles_; }
  bool NeedsRatings() const override { return true; }
  torch::Tensor Loss(const torch::Tensor& outputs, const RmTargets& t) const override {
    RLAB_CHECK(outputs.dim() == 2 && outputs.size(1) == quantiles_,
               "quantile: the head has {} outputs per response, the objective {} quantiles",
               outputs.dim() == 2 ? outputs.size(1) : -1, quantiles_);
    const torch::Tensor rated = ~torch::isnan(t.rating);
    RLAB_CHECK(rated.any().item<bool>(),
               "quantile: a batch has no rated response (score_chosen / score_rejected)");
    const torch::Tensor q = outputs.index({rated});                    // [M, Q]
    const torch::Tensor u = t.rating.index({rated}).unsqueeze(1) - q;  // [M, Q]
    const torch::Tensor tau = taus_.to(outputs.dtype()).unsqueeze(0);  // [1, Q]
    torch::Tensor loss = torch::maximum(tau * u, (tau - 1) * u).mean();
    if (bt_weight_ > 0 && t.chosen_rows.numel() > 0) {
      const torch::Tensor r = outputs.mean(1);
      loss = loss + bt_weight_ * SoftLogisticLoss(
                                     Rows(r, t.chosen_rows) - Rows(r, t.rejected_rows) - t.margin,
                                     t.tie, 0.0);
    }
    return loss;
  }
  std::optional<torch::Tensor> Reward(const torch::Tensor& outputs) const override {
    if (reward_at_ < 0) return outputs.mean(1);
    // The predicted quantile nearest the requested level.
    const int64_t i = (torch::abs(taus_ - reward_at_)).argmin().item<int64_t>();
    return outputs.select(1, i);
  }
  std::string Describe() const override {
    return fmt::format("quantile(quantiles={}, reward_at={}, bt_weight={})", quantiles_, reward_at_,
                       bt_weight_);
  }

 private:
  int64_t quantiles_;
  double reward_at_, bt_weight_;
  torch::Tensor taus_;  // [Q] float64
};

}  // namespace

void RegisterQuantileRmObjective(RmObjectiveRegistry& registry) {
  registry.Register(
      {"quantile",
       "quantiles of the rating by the pinball loss (Dorka 2024); reward = their mean",
       {{"quantiles", "9", "quantile levels (2i + 1) / 2Q, i < Q"},
        {"reward_at", "-1", "a level in (0, 1) for a risk-averse reward; negative: the mean"},
        {"bt_weight", "0", "weight of a Bradley-Terry term on the mean, over the pairs"}},
       [](const SpecArgs& a) -> std::unique_ptr<RewardModelObjective> {
         return std::make_unique<QuantileObjective>(
             a.Get<int64_t>("quantiles"), a.Get<double>("reward_at"), a.Get<double>("bt_weight"));
       }});
}

}  // namespace rlab::reward
