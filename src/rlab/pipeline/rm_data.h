// Preference data for the reward-model pipelines (train-rm, eval-rm): a file in TRL's
// conventions, or task:SPEC for pairs labelled by a synthetic task's gold reward, tokenized
// with the truncation policy reported rather than applied silently.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/data/text/preference_tokens.h"
#include "rlab/data/text/task_preferences.h"
#include "rlab/models/tokenizer/tokenizer.h"

namespace rlab::pipeline {

inline constexpr std::string_view kTaskSourcePrefix = "task:";

struct PreferenceSource {
  std::string source;  // a .jsonl/.json file or task:SPEC
  std::string chat_template = "auto";
  data::TaskPreferenceOptions task;  // for task:SPEC (task.pairs is the number drawn)
};

bool IsTaskSource(std::string_view source);

// The records of a file, or `task.pairs` task pairs from `split` drawn with `seed`.
std::vector<data::PreferenceRecord> ReadPreferenceSource(const PreferenceSource& source,
                                                         const models::Tokenizer& tokenizer,
                                                         data::TaskSplit split, uint64_t seed);

// Tokenizes `records` under the truncation policy, warns with the counts of cut, dropped,
// duplicate and contradictory records, and adds them to `report` as "<what>_truncated",
// "<what>_dropped", "<what>_longest_tokens", "<what>_duplicates", "<what>_contradictions".
std::vector<data::PreferenceExample> TokenizeForRewardModel(
    const std::vector<data::PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, std::string_view truncation, std::string_view what,
    nlohmann::json& report);

}  // namespace rlab::pipeline
