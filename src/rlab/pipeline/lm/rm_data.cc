#include "rlab/pipeline/lm/rm_data.h"

#include <spdlog/spdlog.h>

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
  return models::MakeChatTemplate(source.chat_template == "auto"
                                      ? models::GuessChatTemplate(tokenizer)
                                      : source.chat_template);
}

std::vector<data::PreferenceExample> TokenizeForRewardModel(
    const std::vector<data::PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, std::string_view truncation, std::string_view what,
    nlohmann::json& report) {
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
  data::PreferenceTokenizeStats stats;
  auto examples = data::TokenizePreferences(records, tokenizer, max_length,
                                            data::ParseTruncation(truncation), &stats);
  if (stats.truncated > 0 || stats.dropped > 0) {
    spdlog::warn("{}: {} of {} records are longer than max_length {} tokens (longest {}): {} "
                 "cut at the start (truncation=keep_end), {} dropped (truncation=drop)",
                 what, stats.truncated + stats.dropped, records.size(), max_length, stats.longest,
                 stats.truncated, stats.dropped);
  }
  report[prefix + "_records"] = examples.size();
  report[prefix + "_truncated"] = stats.truncated;
  report[prefix + "_dropped"] = stats.dropped;
  report[prefix + "_longest_tokens"] = stats.longest;
  RLAB_CHECK(!examples.empty() || records.empty(),
             "{}: every record is longer than max_length {}; raise max_length or use "
             "truncation=keep_end",
             what, max_length);
  return examples;
}

}  // namespace rlab::pipeline
