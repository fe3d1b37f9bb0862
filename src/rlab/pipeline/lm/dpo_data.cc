#include "rlab/pipeline/lm/dpo_data.h"

#include <spdlog/spdlog.h>

#include "rlab/core/check.h"
#include "rlab/text/policy_preferences.h"
#include "rlab/text/split.h"

namespace rlab::pipeline {

PolicyRecords ReadPolicyRecords(const PreferenceSource& source, const models::Tokenizer& tokenizer,
                                data::TaskSplit split, uint64_t seed) {
  PolicyRecords records;
  if (!IsTaskSource(source.source) && data::IsUnpairedFeedbackFile(source.source)) {
    records.unpaired =
        data::ReadUnpairedRecords(source.source, *SourceChatTemplate(source, tokenizer));
  } else {
    records.preferences = ReadPreferenceSource(source, tokenizer, split, seed);
  }
  return records;
}

void SplitPolicyRecords(PolicyRecords& train, PolicyRecords& held_out, double fraction,
                        uint64_t seed) {
  data::SplitHeldOut(train.preferences, held_out.preferences, fraction, seed);
  data::SplitHeldOut(train.unpaired, held_out.unpaired, fraction, seed);
}

namespace {

prefopt::PolicyTrainingSet UnpairedSet(const std::vector<data::UnpairedRecord>& records,
                                       const models::Tokenizer& tokenizer, int64_t max_length,
                                       data::TokenizeStats& stats) {
  std::vector<data::SftRecord> sft;
  for (const auto& r : records)
    sft.push_back({{{r.prompt, false}, {r.completion, true}}, true, r.where});
  // TokenizeSftRecords drops completions cut to nothing; the labels must follow the survivors.
  std::vector<data::SftExample> kept;
  std::vector<bool> desirable;
  for (std::size_t i = 0; i < sft.size(); ++i) {
    data::TokenizeStats one;
    auto e = data::TokenizeSftRecords({sft[i]}, tokenizer, max_length, &one);
    stats.truncated += one.truncated;
    stats.dropped += one.dropped;
    if (e.empty()) continue;
    kept.push_back(std::move(e.front()));
    desirable.push_back(records[i].desirable);
  }
  return prefopt::UnpairedUnits(kept, desirable, max_length);
}

}  // namespace

prefopt::PolicyTrainingSet BuildPolicyTrainingSet(const PolicyRecords& records,
                                                  prefopt::PolicyLossFamily family,
                                                  const models::Tokenizer& tokenizer,
                                                  int64_t max_length, std::string_view what,
                                                  nlohmann::json& report) {
  const std::string prefix(what);
  prefopt::PolicyTrainingSet set;
  int64_t ties = 0, truncated = 0, dropped = 0;
  if (family == prefopt::PolicyLossFamily::kUnpaired) {
    const auto unpaired =
        records.unpaired.empty() ? data::UnpairPreferences(records.preferences) : records.unpaired;
    for (const auto& r : records.preferences) ties += r.tie ? 1 : 0;
    data::TokenizeStats stats;
    if (!unpaired.empty()) set = UnpairedSet(unpaired, tokenizer, max_length, stats);
    truncated = stats.truncated;
    dropped = stats.dropped;
  } else {
    RLAB_CHECK(records.unpaired.empty(),
               "{}: unpaired feedback (records with 'label') trains "
               "with loss_type kto only",
               what);
    data::PolicyPreferenceStats stats;
    const auto examples =
        data::TokenizePolicyPreferences(records.preferences, tokenizer, max_length, &stats);
    set = family == prefopt::PolicyLossFamily::kRanking ? prefopt::RankingUnits(examples)
                                                        : prefopt::PairwiseUnits(examples);
    ties = stats.ties;
    truncated = stats.truncated;
    dropped = stats.dropped;
  }
  if (ties + truncated + dropped + set.skipped > 0) {
    spdlog::warn("{}: {} tied records left out, {} cut to max_length {}, {} dropped with no "
                 "completion token left, {} skipped ({} loss)",
                 what, ties, truncated, max_length, dropped, set.skipped,
                 prefopt::FamilyName(family));
  }
  report[prefix + "_ties"] = ties;
  report[prefix + "_truncated"] = truncated;
  report[prefix + "_dropped"] = dropped;
  report[prefix + "_skipped"] = set.skipped;
  report[prefix + "_units"] = set.units.size();
  return set;
}

}  // namespace rlab::pipeline
