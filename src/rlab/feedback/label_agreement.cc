#include "rlab/feedback/label_agreement.h"

namespace rlab::feedback {

std::map<std::string, Votes> CountVotes(const std::vector<HumanLabel>& labels) {
  std::map<std::string, Votes> out;
  for (const HumanLabel& label : labels) {
    if (label.choice == "skip") continue;
    Votes& v = out[label.comparison_id];
    if (label.choice == "left") ++v.left;
    if (label.choice == "right") ++v.right;
    if (label.choice == "tie") ++v.tie;
    v.labellers.push_back(label.labeller);
    v.latest_time = label.time;
  }
  return out;
}

std::optional<std::string> MajorityChoice(const Votes& votes) {
  if (votes.total() == 0) return std::nullopt;
  if (votes.left > votes.right && votes.left > votes.tie) return "left";
  if (votes.right > votes.left && votes.right > votes.tie) return "right";
  return "tie";
}

namespace {

// Ordered pairs of answers that agree: sum over categories of n_j (n_j - 1).
double AgreeingPairs(const Votes& v) {
  auto pairs = [](int64_t n) { return static_cast<double>(n * (n - 1)); };
  return pairs(v.left) + pairs(v.right) + pairs(v.tie);
}

}  // namespace

std::optional<double> PairwiseAgreement(const Votes& votes) {
  const int64_t n = votes.total();
  if (n < 2) return std::nullopt;
  return AgreeingPairs(votes) / static_cast<double>(n * (n - 1));
}

Agreement MeasureAgreement(const std::map<std::string, Votes>& votes) {
  Agreement a;
  double sum_p = 0.0, answers = 0.0, left = 0.0, right = 0.0, tie = 0.0;
  for (const auto& [id, v] : votes) {
    const std::optional<double> p = PairwiseAgreement(v);
    if (!p) continue;
    ++a.comparisons;
    sum_p += *p;
    answers += static_cast<double>(v.total());
    left += static_cast<double>(v.left);
    right += static_cast<double>(v.right);
    tie += static_cast<double>(v.tie);
  }
  if (a.comparisons == 0) return a;
  const double mean_p = sum_p / static_cast<double>(a.comparisons);
  a.pairwise = mean_p;
  const double pl = left / answers, pr = right / answers, pt = tie / answers;
  const double chance = pl * pl + pr * pr + pt * pt;
  if (chance < 1.0) a.fleiss_kappa = (mean_p - chance) / (1.0 - chance);
  return a;
}

nlohmann::json QueueStats(const LabelQueue& queue) {
  const QueueCounts counts = queue.Counts();
  const std::vector<HumanLabel> labels = queue.Labels();
  nlohmann::json labellers = nlohmann::json::object();
  for (const HumanLabel& label : labels) {
    nlohmann::json& entry = labellers[label.labeller];
    if (entry.is_null()) {
      entry = {{"labels", 0}, {"skips", 0}, {"left", 0}, {"right", 0}, {"tie", 0}};
    }
    entry["labels"] = entry["labels"].get<int64_t>() + 1;
    const std::string key = label.choice == "skip" ? "skips" : label.choice;
    entry[key] = entry[key].get<int64_t>() + 1;
  }
  const std::map<std::string, Votes> votes = CountVotes(labels);
  const Agreement agreement = MeasureAgreement(votes);
  nlohmann::json per_comparison = nlohmann::json::array();
  for (const auto& [id, v] : votes) {
    const std::optional<double> p = PairwiseAgreement(v);
    if (!p) continue;
    per_comparison.push_back({{"id", id},
                              {"labellers", v.labellers},
                              {"pairwise", *p},
                              {"majority", *MajorityChoice(v)}});
  }
  auto optional = [](const std::optional<double>& x) {
    return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
  };
  return {{"counts",
           {{"comparisons", counts.comparisons},
            {"labelled", counts.labelled},
            {"labels", counts.labels}}},
          {"labellers", labellers},
          {"agreement",
           {{"comparisons", agreement.comparisons},
            {"pairwise", optional(agreement.pairwise)},
            {"fleiss_kappa", optional(agreement.fleiss_kappa)},
            {"per_comparison", per_comparison}}}};
}

}  // namespace rlab::feedback
