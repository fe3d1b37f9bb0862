#include "rlab/prefopt/policy_objective.h"

#include <torch/torch.h>

#include <map>

#include "rlab/core/check.h"
#include "rlab/core/spec.h"
#include "rlab/core/value_parse.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/pro_loss.h"

namespace rlab::prefopt {

namespace {

double Number(const std::string& value, std::string_view loss, const std::string& key) {
  return ValueCodec<double>::Parse(value, fmt::format("loss {}: key '{}'", loss, key));
}

double Mean(const torch::Tensor& t) { return t.numel() == 0 ? std::nan("") : t.mean().item<double>(); }

// Rows of `scores` taken by position `k` of every unit.
torch::Tensor Pick(const torch::Tensor& values, const std::vector<int64_t>& rows) {
  return values.index_select(0, torch::tensor(rows, torch::kInt64));
}

// The row of each unit's first sequence in the batch's order.
std::vector<int64_t> UnitStarts(const std::vector<const PolicyUnit*>& units) {
  std::vector<int64_t> starts;
  int64_t row = 0;
  for (const PolicyUnit* u : units) {
    starts.push_back(row);
    row += static_cast<int64_t>(u->sequences.size());
  }
  return starts;
}

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

class PairwiseObjective : public PolicyObjective {
 public:
  explicit PairwiseObjective(const PolicyObjectiveOptions& o) {
    RegisterDpoLosses();
    std::vector<std::pair<std::string, double>> parts;
    for (std::size_t i = 0; i < o.loss_type.size(); ++i) {
      const auto& keys = DpoLosses().Get(Spec::Parse(o.loss_type[i]).name).keys;
      std::string spec = WithDefault(o.loss_type[i], keys, "beta", o.beta);
      spec = WithDefault(spec, keys, "label_smoothing", o.label_smoothing);
      parts.emplace_back(spec, o.loss_weights.empty() ? 1.0 : o.loss_weights[i]);
    }
    loss_ = parts.size() == 1 && parts[0].second == 1.0 ? MakeDpoLoss(parts[0].first)
                                                        : MakeWeightedDpoLoss(parts);
  }
  PolicyLossFamily family() const override { return PolicyLossFamily::kPairwise; }
  bool NeedsReference() const override { return loss_->NeedsReference(); }
  std::string Describe() const override { return loss_->Describe(); }

  PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                        const SequenceScores& s) const override {
    std::vector<int64_t> chosen = UnitStarts(units), rejected = chosen;
    for (auto& r : rejected) r += 1;
    const PreferenceLogps logps{Pick(s.logps, chosen),     Pick(s.logps, rejected),
                                Pick(s.ref_logps, chosen), Pick(s.ref_logps, rejected),
                                Pick(s.tokens, chosen),    Pick(s.tokens, rejected)};
    const DpoLossOutput out = (*loss_)(logps);
    const torch::Tensor margins = out.chosen_rewards - out.rejected_rewards;
    return {out.loss,
            {{"rewards/chosen", Mean(out.chosen_rewards)},
             {"rewards/rejected", Mean(out.rejected_rewards)},
             {"rewards/accuracies", Mean((margins > 0).to(torch::kFloat64))},
             {"rewards/margins", Mean(margins)},
             {"logps/chosen", Mean(logps.chosen.detach())},
             {"logps/rejected", Mean(logps.rejected.detach())}}};
  }

 private:
  std::unique_ptr<DpoLoss> loss_;
};

// PRO (pro_loss.h): rankings of equal length are scored together.
class RankingObjective : public PolicyObjective {
 public:
  explicit RankingObjective(const Spec& spec) {
    for (const auto& [k, v] : spec.args) {
      RLAB_CHECK(k == "sft_weight", "loss pro: unknown key '{}'; valid keys: sft_weight", k);
      sft_weight_ = Number(v, "pro", k);
    }
  }
  PolicyLossFamily family() const override { return PolicyLossFamily::kRanking; }
  bool NeedsReference() const override { return false; }
  std::string Describe() const override { return fmt::format("pro(sft_weight={})", sft_weight_); }

  PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                        const SequenceScores& s) const override {
    const std::vector<int64_t> starts = UnitStarts(units);
    std::map<std::size_t, std::vector<int64_t>> by_length;  // K -> unit indices
    for (std::size_t u = 0; u < units.size(); ++u) by_length[units[u]->sequences.size()].push_back(u);
    torch::Tensor loss = torch::zeros({}, s.logps.options());
    std::vector<torch::Tensor> best, rest, ordered;
    for (const auto& [k, members] : by_length) {
      std::vector<int64_t> rows;
      for (int64_t u : members) {
        for (std::size_t j = 0; j < k; ++j) rows.push_back(starts[u] + j);
      }
      const auto K = static_cast<int64_t>(k), B = static_cast<int64_t>(members.size());
      const torch::Tensor logps = Pick(s.logps, rows).view({B, K});
      const torch::Tensor tokens = Pick(s.tokens, rows).view({B, K});
      loss = loss + ProLoss(logps, tokens, sft_weight_) * (static_cast<double>(B) / units.size());
      const torch::Tensor normalised = (logps / tokens.clamp_min(1)).detach();
      best.push_back(logps.select(1, 0).detach());
      rest.push_back(logps.slice(1, 1).detach().flatten());
      ordered.push_back((normalised.slice(1, 0, K - 1) > normalised.slice(1, 1)).flatten());
    }
    return {loss,
            {{"logps/chosen", Mean(torch::cat(best))},
             {"logps/rejected", Mean(torch::cat(rest))},
             {"rewards/accuracies", Mean(torch::cat(ordered).to(torch::kFloat64))}}};
  }

 private:
  double sft_weight_ = 0.0;
};

class UnpairedObjective : public PolicyObjective {
 public:
  UnpairedObjective(const Spec& spec, double beta) {
    options_.beta = beta;
    for (const auto& [k, v] : spec.args) {
      if (k == "beta") options_.beta = Number(v, "kto", k);
      else if (k == "desirable_weight") options_.desirable_weight = Number(v, "kto", k);
      else if (k == "undesirable_weight") options_.undesirable_weight = Number(v, "kto", k);
      else RLAB_FAIL("loss kto: unknown key '{}'; valid keys: beta, desirable_weight, "
                     "undesirable_weight", k);
    }
    options_.Validate();
  }
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
    const torch::Tensor desirable = torch::tensor(labels, torch::kBool);
    const KtoOutput out = KtoLoss({Pick(s.logps, own), Pick(s.ref_logps, own), desirable,
                                   Pick(s.logps, mismatched), Pick(s.ref_logps, mismatched)},
                                  options_);
    return {out.loss,
            {{"rewards/chosen", Mean(out.rewards.masked_select(desirable))},
             {"rewards/rejected", Mean(out.rewards.masked_select(~desirable))},
             {"logps/chosen", Mean(Pick(s.logps, own).detach().masked_select(desirable))},
             {"logps/rejected", Mean(Pick(s.logps, own).detach().masked_select(~desirable))},
             {"reference_point", out.reference_point.item<double>()}}};
  }

 private:
  KtoOptions options_;
};

}  // namespace

std::unique_ptr<PolicyObjective> MakePolicyObjective(const PolicyObjectiveOptions& o) {
  RLAB_CHECK(!o.loss_type.empty(), "loss_type must name at least one loss");
  RLAB_CHECK(o.loss_weights.empty() || o.loss_weights.size() == o.loss_type.size(),
             "loss_weights has {} entries for {} losses in loss_type", o.loss_weights.size(),
             o.loss_type.size());
  for (const std::string& t : o.loss_type) {
    const Spec spec = Spec::Parse(t);
    if (spec.name != "kto" && spec.name != "pro") continue;
    RLAB_CHECK(o.loss_type.size() == 1, "loss_type {} cannot be combined with other losses: it "
               "trains on {} data", spec.name, spec.name == "kto" ? "unpaired" : "ranked");
    if (spec.name == "pro") return std::make_unique<RankingObjective>(spec);
    return std::make_unique<UnpairedObjective>(spec, o.beta);
  }
  return std::make_unique<PairwiseObjective>(o);
}

}  // namespace rlab::prefopt
