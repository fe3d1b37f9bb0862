// The policy objective `kto`: KTO (kto_loss.h; Ethayarajh et al., "KTO: Model Alignment as
// Prospect Theoretic Optimization", arXiv:2402.01306) over unpaired units, each a labelled
// completion and its mismatched partner, whose log-ratio estimates the reference point.
#include <torch/torch.h>

#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/unit_rows.h"

namespace rlab::prefopt {

namespace {

class UnpairedObjective : public PolicyObjective {
 public:
  explicit UnpairedObjective(const KtoOptions& options) : options_(options) { options_.Validate(); }
  PolicyLossFamily family() const override { return PolicyLossFamily::kUnpaired; }
  bool NeedsReference() const override { return true; }
  std::string Describe() const override {
    return fmt::format("kto(beta={}, desirable_weight={}, undesirable_weight={})", options_.beta,
                       options_.desirable_weight, options_.undesirable_weight);
  }

  PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                        const SequenceScores& s) const override {
    std::vector<int64_t> own = UnitStarts(units), mismatched = own;
    for (auto& r : mismatched) r += 1;
    std::vector<uint8_t> labels;
    for (const PolicyUnit* u : units) labels.push_back(u->desirable ? 1 : 0);
    const torch::Tensor desirable = torch::tensor(labels, torch::kBool);  // [B]
    const torch::Tensor logps = PickRows(s.logps, own).detach();          // [B]
    const KtoOutput out =
        KtoLoss({PickRows(s.logps, own), PickRows(s.ref_logps, own), desirable,
                 PickRows(s.logps, mismatched), PickRows(s.ref_logps, mismatched)},
                options_);
    const torch::Tensor undesirable = ~desirable;
    PolicyLossResult result{
        out.loss,
        {{"rewards/chosen", MeanOrNan(out.rewards.masked_select(desirable))},
         {"rewards/rejected", MeanOrNan(out.rewards.masked_select(undesirable))},
         {"logps/chosen", MeanOrNan(logps.masked_select(desirable))},
         {"logps/rejected", MeanOrNan(logps.masked_select(undesirable))},
         // TRL's KTOTrainer sums and counts, per micro-batch: a batch may hold no completion
         // of one label, so means over several batches are sum / count.
         {"rewards/chosen_sum", out.rewards.masked_select(desirable).sum().item<double>()},
         {"rewards/rejected_sum", out.rewards.masked_select(undesirable).sum().item<double>()},
         {"logps/chosen_sum", logps.masked_select(desirable).sum().item<double>()},
         {"logps/rejected_sum", logps.masked_select(undesirable).sum().item<double>()},
         {"count/chosen", desirable.sum().item<double>()},
         {"count/rejected", undesirable.sum().item<double>()},
         {"reference_point", out.reference_point.item<double>()}}};
    // TRL's name for z on training lines; held out, eval_kl is the KL of the policy's samples.
    if (torch::GradMode::is_enabled())
      result.metrics.emplace_back("kl", result.metrics.back().second);
    std::vector<int64_t> chosen, rejected;
    for (std::size_t i = 0; i < units.size(); ++i) {
      (units[i]->desirable ? chosen : rejected).push_back(own[i]);
    }
    AppendMeanLogits(s, chosen, "logits/chosen", result.metrics);
    AppendMeanLogits(s, rejected, "logits/rejected", result.metrics);
    return result;
  }

 private:
  KtoOptions options_;
};

}  // namespace

PolicyObjectiveRegistry::Entry KtoObjectiveEntry() {
  const KtoOptions defaults;
  return {"kto",
          "KTO on unpaired desirable/undesirable completions (Ethayarajh et al., "
          "arXiv:2402.01306); trains alone",
          {{"beta", fmt::format("{}", defaults.beta), "inverse temperature of the log-ratio"},
           {"desirable_weight", fmt::format("{}", defaults.desirable_weight),
            "lambda_D, the weight of desirable completions"},
           {"undesirable_weight", fmt::format("{}", defaults.undesirable_weight),
            "lambda_U, the weight of undesirable completions"}},
          [](const SpecArgs& a) -> std::unique_ptr<PolicyObjective> {
            KtoOptions o;
            o.beta = a.Get<double>("beta");
            o.desirable_weight = a.Get<double>("desirable_weight");
            o.undesirable_weight = a.Get<double>("undesirable_weight");
            return std::make_unique<UnpairedObjective>(o);
          }};
}

}  // namespace rlab::prefopt
