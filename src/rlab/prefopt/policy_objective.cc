#include "rlab/prefopt/policy_objective.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/unit_rows.h"

namespace rlab::prefopt {

namespace {

// `spec` with `key` set to `value` when its registry entry takes the key and the spec leaves
// it out.
std::string WithDefault(const std::string& spec, const std::vector<KeyDoc>& keys,
                        const std::string& key, double value) {
  Spec parsed = Spec::Parse(spec);
  bool takes = false, given = false;
  for (const KeyDoc& k : keys) takes = takes || k.name == key;
  for (const auto& [k, v] : parsed.args) given = given || k == key;
  if (takes && !given) parsed.args.emplace_back(key, fmt::format("{}", value));
  return parsed.ToString();
}

// `spec` with the options' beta and label smoothing where its entry takes them.
std::string WithRunDefaults(const std::string& spec, const std::vector<KeyDoc>& keys,
                            const PolicyObjectiveOptions& o) {
  return WithDefault(WithDefault(spec, keys, "beta", o.beta), keys, "label_smoothing",
                     o.label_smoothing);
}

// The DPO family: one or several weighted losses of the DPO registry over chosen/rejected pairs.
class PairwiseObjective : public PolicyObjective {
 public:
  explicit PairwiseObjective(const PolicyObjectiveOptions& o) {
    std::vector<std::pair<std::string, double>> parts;
    bool smoothed = false;
    for (std::size_t i = 0; i < o.loss_type.size(); ++i) {
      const auto& keys = DpoLosses().Get(Spec::Parse(o.loss_type[i]).name).keys;
      for (const KeyDoc& k : keys) smoothed = smoothed || k.name == "label_smoothing";
      parts.emplace_back(WithRunDefaults(o.loss_type[i], keys, o),
                         o.loss_weights.empty() ? 1.0 : o.loss_weights[i]);
    }
    // A smoothing no loss reads would be dropped without a word: sigmoid read it before it
    // followed TRL, so a config written then fails here rather than change its meaning.
    RLAB_CHECK(o.label_smoothing == 0 || smoothed,
               "label_smoothing is {} but no loss in loss_type takes it (TRL's sigmoid takes "
               "none): for conservative DPO use loss_type cdpo; robust, exo_pair, aot, "
               "aot_unpaired and simpo take it too; or set label_smoothing to 0",
               o.label_smoothing);
    loss_ = parts.size() == 1 && parts[0].second == 1.0 ? MakeDpoLoss(parts[0].first)
                                                        : MakeWeightedDpoLoss(parts);
  }
  PolicyLossFamily family() const override { return PolicyLossFamily::kPairwise; }
  bool NeedsReference() const override { return loss_->NeedsReference(); }
  std::string Describe() const override { return loss_->Describe(); }
  void AddStateTo(CheckpointState& state) const override { loss_->AddStateTo(state, "objective."); }

  PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                        const SequenceScores& s) const override {
    std::vector<int64_t> chosen = UnitStarts(units), rejected = chosen;
    for (auto& r : rejected) r += 1;
    const PreferenceLogps logps{PickRows(s.logps, chosen),     PickRows(s.logps, rejected),
                                PickRows(s.ref_logps, chosen), PickRows(s.ref_logps, rejected),
                                PickRows(s.tokens, chosen),    PickRows(s.tokens, rejected),
                                UnitMargins(units, s.logps)};
    const DpoLossOutput out = (*loss_)(logps);
    const torch::Tensor margins = out.chosen_rewards - out.rejected_rewards;
    PolicyLossResult result{out.loss,
                            {{"rewards/chosen", MeanOrNan(out.chosen_rewards)},
                             {"rewards/rejected", MeanOrNan(out.rejected_rewards)},
                             {"rewards/accuracies", MeanOrNan((margins > 0).to(torch::kFloat64))},
                             {"rewards/margins", MeanOrNan(margins)},
                             {"logps/chosen", MeanOrNan(logps.chosen.detach())},
                             {"logps/rejected", MeanOrNan(logps.rejected.detach())}}};
    AppendMeanLogits(s, chosen, "logits/chosen", result.metrics);
    AppendMeanLogits(s, rejected, "logits/rejected", result.metrics);
    return result;
  }

 private:
  std::unique_ptr<DpoLoss> loss_;
};

}  // namespace

void AppendMeanLogits(const SequenceScores& s, const std::vector<int64_t>& rows,
                      const std::string& name, std::vector<std::pair<std::string, double>>& out) {
  if (!s.logit_sums.defined()) return;
  const double tokens = PickRows(s.tokens, rows).sum().item<double>();
  out.emplace_back(
      name, tokens > 0 ? PickRows(s.logit_sums, rows).sum().item<double>() / tokens : std::nan(""));
}

void PolicyObjectiveOptions::Validate() const {
  RLAB_CHECK(beta > 0 && std::isfinite(beta), "beta must be > 0 and finite, got {}", beta);
  RLAB_CHECK(label_smoothing >= 0 && label_smoothing < 0.5,
             "label_smoothing must be in [0, 0.5), got {}", label_smoothing);
  MakePolicyObjective(*this);
}

PolicyObjectiveRegistry& PolicyObjectives() {
  static PolicyObjectiveRegistry registry("policy objective");
  return registry;
}

void RegisterPolicyObjectives() {
  PolicyObjectiveRegistry& r = PolicyObjectives();
  if (!RegisterOnce(r)) return;
  r.Register(KtoObjectiveEntry());
  r.Register(ProObjectiveEntry());
}

std::unique_ptr<PolicyObjective> MakePolicyObjective(const PolicyObjectiveOptions& o) {
  RegisterDpoLosses();
  RegisterPolicyObjectives();
  RLAB_CHECK(!o.loss_type.empty(), "loss_type must name at least one loss");
  RLAB_CHECK(o.loss_weights.empty() || o.loss_weights.size() == o.loss_type.size(),
             "loss_weights has {} entries for {} losses in loss_type", o.loss_weights.size(),
             o.loss_type.size());
  for (const std::string& t : o.loss_type) {
    const std::string name = Spec::Parse(t).name;
    RLAB_CHECK(DpoLosses().Contains(name) || PolicyObjectives().Contains(name),
               "unknown loss_type '{}'; valid names: {} (combinable), or one of {} alone", name,
               JoinNames(DpoLosses().List()), JoinNames(PolicyObjectives().List()));
    if (!PolicyObjectives().Contains(name)) continue;
    std::unique_ptr<PolicyObjective> alone =
        PolicyObjectives().Create(WithRunDefaults(t, PolicyObjectives().Get(name).keys, o));
    RLAB_CHECK(o.loss_type.size() == 1,
               "loss_type {} cannot be combined with other losses: it "
               "trains on {} data",
               name, FamilyName(alone->family()));
    return alone;
  }
  return std::make_unique<PairwiseObjective>(o);
}

}  // namespace rlab::prefopt
