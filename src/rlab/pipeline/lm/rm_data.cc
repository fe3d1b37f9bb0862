#include "rlab/pipeline/lm/rm_data.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/text/preference_duplicates.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/chat_template.h"

namespace rlab::pipeline {

bool IsTaskSource(std::string_view source) { return source.starts_with(kTaskSourcePrefix); }

std::vector<data::PreferenceRecord> ReadPreferenceSource(const PreferenceSource& source,
                                                         const models::Tokenizer& tokenizer,
                                                         data::TaskSplit split, uint64_t seed) {
  if (IsTaskSource(source.source)) {
    const auto task = data::MakeTextTask(source.source.substr(kTaskSourcePrefix.size()));
    Rng rng(seed);
    data::TaskPreferenceStats stats;
    auto records = data::SampleTaskPreferences(*task, source.task, split, rng, &stats);
    spdlog::info("{} pairs from {} ({} labels flipped by noise {}, {} candidate pairs redrawn)",
                 records.size(), task->Describe(), stats.flipped, source.task.label_noise,
                 stats.redrawn);
    return records;
  }
  return data::ReadPreferenceRecords(source.source, *SourceChatTemplate(source, tokenizer));
}

std::unique_ptr<models::ChatTemplate> SourceChatTemplate(const PreferenceSource& source,
                                                         const models::Tokenizer& tokenizer) {
  return models::MakeChatTemplate(
      source.chat_template == "auto" ? models::GuessChatTemplate(tokenizer) : source.chat_template);
}

void CheckRewardModelTruncation(std::string_view truncation) {
  if (truncation == kRefuseLongRecords) return;
  try {
    data::ParseTruncation(truncation);
  } catch (const Error&) {
    RLAB_FAIL("unknown truncation rule '{}'; valid: drop, keep_end, {}", truncation,
              kRefuseLongRecords);
  }
}

std::string DescribeLongRecords(const data::PreferenceTokenizeStats& stats, int64_t records,
                                int64_t max_length, std::string_view truncation) {
  const int64_t long_records = stats.truncated + stats.dropped;
  if (long_records == 0) {
    return fmt::format("truncation={}: no record longer than max_length {} tokens", truncation,
                       max_length);
  }
  return fmt::format("truncation={}: {} of {} records longer than max_length {} tokens "
                     "(longest {}), {}",
                     truncation, long_records, records, max_length, stats.longest,
                     stats.dropped > 0 ? "left out" : "cut at the start");
}

std::vector<data::PreferenceExample> TokenizeForRewardModel(
    const std::vector<data::PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, std::string_view truncation, std::string_view what, nlohmann::json& report,
    RewardModelTokenization* details) {
  CheckRewardModelTruncation(truncation);
  const bool refuse = truncation == kRefuseLongRecords;
  // Repeats are kept (a dataset may weigh a comparison twice on purpose) but never silently.
  const auto duplicates = data::FindDuplicatePreferences(records);
  const auto contradictions = data::FindContradictoryPreferences(records);
  if (!duplicates.empty() || !contradictions.empty()) {
    const auto& first = !duplicates.empty() ? duplicates.front() : contradictions.front();
    spdlog::warn("{}: {} duplicate and {} contradictory records (the first at {}, repeating {}); "
                 "they are kept as given",
                 what, duplicates.size(), contradictions.size(), records[first.second].where,
                 records[first.first].where);
  }
  const std::string prefix(what);
  report[prefix + "_duplicates"] = duplicates.size();
  report[prefix + "_contradictions"] = contradictions.size();
  // One record at a time, so that each example knows its record and whether it was cut.
  const data::Truncation rule =
      refuse ? data::Truncation::kKeepEnd : data::ParseTruncation(truncation);
  data::PreferenceTokenizeStats stats;
  std::vector<data::PreferenceExample> examples;
  examples.reserve(records.size());
  std::vector<ExampleOrigin> origins;
  for (std::size_t i = 0; i < records.size(); ++i) {
    data::PreferenceTokenizeStats one;
    auto tokenized = data::TokenizePreferences({records[i]}, tokenizer, max_length, rule, &one);
    RLAB_CHECK(!refuse || one.longest <= max_length,
               "{}: record {} is {} tokens long, longer than max_length {} (truncation={}); "
               "raise max_length, or set truncation=keep_end (cut the prompt's start) or "
               "truncation=drop (leave such records out, counted)",
               records[i].where, i + 1, one.longest, max_length, truncation);
    stats.truncated += one.truncated;
    stats.dropped += one.dropped;
    stats.longest = std::max(stats.longest, one.longest);
    if (tokenized.empty()) continue;
    origins.push_back({static_cast<int64_t>(i), one.truncated > 0});
    examples.push_back(std::move(tokenized.front()));
  }
  if (stats.truncated > 0 || stats.dropped > 0) {
    spdlog::warn(
        "{}: {}", what,
        DescribeLongRecords(stats, static_cast<int64_t>(records.size()), max_length, truncation));
  }
  report[prefix + "_records"] = examples.size();
  report[prefix + "_truncation"] = std::string(truncation);
  report[prefix + "_truncated"] = stats.truncated;
  report[prefix + "_dropped"] = stats.dropped;
  report[prefix + "_longest_tokens"] = stats.longest;
  if (details) *details = {std::move(origins), stats};
  RLAB_CHECK(!examples.empty() || records.empty(),
             "{}: every record is longer than max_length {}; raise max_length or use "
             "truncation=keep_end",
             what, max_length);
  return examples;
}

}  // namespace rlab::pipeline
