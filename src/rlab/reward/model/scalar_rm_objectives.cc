// The scalar reward-model objectives: the pairwise preference losses (with Plackett-Luce on
// rankings) and regression on ratings. See rm_objective.h for the registry's entries.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/reward/model/preference_losses.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::reward {

namespace {

PairRewards PairsOf(const torch::Tensor& rewards, const RmTargets& t) {
  return {Rows(rewards, t.chosen_rows), Rows(rewards, t.rejected_rows), t.margin, t.tie};
}

// A scalar head trained by one of the pairwise losses on pairs and Plackett-Luce on rankings.
class PairwiseObjective : public RewardModelObjective {
 public:
  explicit PairwiseObjective(std::unique_ptr<PairwiseLoss> loss) : loss_(std::move(loss)) {}
  int64_t head_size() const override { return 1; }
  torch::Tensor Loss(const torch::Tensor& outputs, const RmTargets& t) const override {
    const torch::Tensor rewards = outputs.squeeze(1);
    const int64_t pairs = t.chosen_rows.numel();
    const torch::Tensor pair_loss =
        pairs > 0 ? (*loss_)(PairsOf(rewards, t)) : torch::zeros({}, rewards.options());
    return MixByRecords(pair_loss, pairs, RankingLoss(rewards, t),
                        static_cast<int64_t>(t.rankings.size()));
  }
  std::optional<torch::Tensor> Reward(const torch::Tensor& outputs) const override {
    return outputs.squeeze(1);
  }
  std::string Describe() const override { return loss_->Describe(); }

 private:
  std::unique_ptr<PairwiseLoss> loss_;
};

// Squared error of the reward against the rating of every rated row, plus an optional
// Bradley-Terry term on the pairs (HelpSteer2-Preference compares and combines the two).
class RegressionObjective : public RewardModelObjective {
 public:
  explicit RegressionObjective(double bt_weight) : bt_weight_(bt_weight) {
    RLAB_CHECK(bt_weight >= 0, "regression: bt_weight must be >= 0, got {}", bt_weight);
  }
  int64_t head_size() const override { return 1; }
  bool NeedsRatings() const override { return true; }
  torch::Tensor Loss(const torch::Tensor& outputs, const RmTargets& t) const override {
    const torch::Tensor rewards = outputs.squeeze(1);
    const torch::Tensor rated = ~torch::isnan(t.rating);
    RLAB_CHECK(rated.any().item<bool>(),
               "regression: a batch has no rated response (score_chosen / score_rejected)");
    torch::Tensor loss =
        (rewards.masked_select(rated) - t.rating.masked_select(rated)).pow(2).mean();
    if (bt_weight_ > 0 && t.chosen_rows.numel() > 0) {
      loss = loss + bt_weight_ * SoftLogisticLoss(Rows(rewards, t.chosen_rows) -
                                                      Rows(rewards, t.rejected_rows) - t.margin,
                                                  t.tie, 0.0);
    }
    return loss;
  }
  std::optional<torch::Tensor> Reward(const torch::Tensor& outputs) const override {
    return outputs.squeeze(1);
  }
  std::string Describe() const override {
    return fmt::format("regression(bt_weight={})", bt_weight_);
  }

 private:
  double bt_weight_;
};

// The spec text a pairwise loss is created from, rebuilt from the objective's arguments.
std::string PairwiseSpec(const SpecArgs& args, const std::vector<KeyDoc>& keys) {
  std::string spec = args.name() + "(";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    spec += fmt::format("{}{}={}", i ? "," : "", keys[i].name, args.Raw(keys[i].name));
  }
  return spec + ")";
}

}  // namespace

void RegisterScalarRmObjectives(RmObjectiveRegistry& registry) {
  RegisterPairwiseLosses();
  // Every pairwise loss is an objective of the same name and keys.
  for (const std::string& name : PairwiseLosses().List()) {
    const auto& entry = PairwiseLosses().Get(name);
    const std::vector<KeyDoc> keys = entry.keys;
    registry.Register({name, entry.help + "; Plackett-Luce on rankings", keys,
                       [keys](const SpecArgs& a) -> std::unique_ptr<RewardModelObjective> {
                         return std::make_unique<PairwiseObjective>(
                             MakePairwiseLoss(PairwiseSpec(a, keys)));
                       }});
  }
  registry.Register({"plackett_luce",
                     "Plackett-Luce on rankings (Plackett 1975); a pair is a ranking of two",
                     {},
                     [](const SpecArgs&) -> std::unique_ptr<RewardModelObjective> {
                       return std::make_unique<PairwiseObjective>(
                           MakePairwiseLoss("bradley_terry"));
                     }});
  registry.Register({"regression",
                     "squared error to the data's ratings (HelpSteer2), optionally + Bradley-Terry",
                     {{"bt_weight", "0", "weight of a Bradley-Terry term on the pairs"}},
                     [](const SpecArgs& a) -> std::unique_ptr<RewardModelObjective> {
                       return std::make_unique<RegressionObjective>(a.Get<double>("bt_weight"));
                     }});
}

}  // namespace rlab::reward
