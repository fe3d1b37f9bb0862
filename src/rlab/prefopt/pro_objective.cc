// The policy objective `pro`: PRO (pro_loss.h; Song et al., "Preference Ranking Optimization
// for Human Alignment", arXiv:2306.17492) over ranked units; rankings of equal length are
// scored together and each group weighs by its share of the batch.
#include <torch/torch.h>

#include <map>

#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/pro_loss.h"
#include "rlab/prefopt/unit_rows.h"

namespace rlab::prefopt {

namespace {

class RankingObjective : public PolicyObjective {
 public:
  explicit RankingObjective(double sft_weight) : sft_weight_(sft_weight) {}
  PolicyLossFamily family() const override { return PolicyLossFamily::kRanking; }
  bool NeedsReference() const override { return false; }
  std::string Describe() const override { return fmt::format("pro(sft_weight={})", sft_weight_); }

  PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                        const SequenceScores& s) const override {
    const std::vector<int64_t> starts = UnitStarts(units);
    std::map<std::size_t, std::vector<int64_t>> by_length;  // K -> unit indices
    for (std::size_t u = 0; u < units.size(); ++u) {
      by_length[units[u]->sequences.size()].push_back(u);
    }
    torch::Tensor loss = torch::zeros({}, s.logps.options());
    std::vector<torch::Tensor> best, rest, ordered;
    for (const auto& [k, members] : by_length) {
      std::vector<int64_t> rows;
      for (int64_t u : members) {
        for (std::size_t j = 0; j < k; ++j) rows.push_back(starts[u] + j);
      }
      const auto K = static_cast<int64_t>(k), B = static_cast<int64_t>(members.size());
      const torch::Tensor logps = PickRows(s.logps, rows).view({B, K});
      const torch::Tensor tokens = PickRows(s.tokens, rows).view({B, K});
      loss = loss + ProLoss(logps, tokens, sft_weight_) * (static_cast<double>(B) / units.size());
      const torch::Tensor normalised = (logps / tokens.clamp_min(1)).detach();  // [B, K]
      best.push_back(logps.select(1, 0).detach());
      rest.push_back(logps.slice(1, 1).detach().flatten());
      ordered.push_back((normalised.slice(1, 0, K - 1) > normalised.slice(1, 1)).flatten());
    }
    return {loss,
            {{"logps/chosen", MeanOrNan(torch::cat(best))},
             {"logps/rejected", MeanOrNan(torch::cat(rest))},
             {"rewards/accuracies", MeanOrNan(torch::cat(ordered).to(torch::kFloat64))}}};
  }

 private:
  double sft_weight_;
};

}  // namespace

PolicyObjectiveRegistry::Entry ProObjectiveEntry() {
  return {"pro",
          "PRO: Plackett-Luce over length-normalised log-probs of rankings (Song et al., "
          "arXiv:2306.17492); trains alone",
          {{"sft_weight", "0", "weight of the best response's per-token negative log-likelihood"}},
          [](const SpecArgs& a) -> std::unique_ptr<PolicyObjective> {
            return std::make_unique<RankingObjective>(a.Get<double>("sft_weight"));
          }};
}

}  // namespace rlab::prefopt
