// Preference data for the reward-model pipelines (train-rm, eval-rm): a file in TRL's
// conventions, or task:SPEC for pairs labelled by a synthetic task's gold preference, tokenized
// with the truncation policy reported rather than applied silently.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/text/task_preferences.h"
#include "rlab/text/tokenizer/chat_template.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::pipeline {

inline constexpr std::string_view kTaskSourcePrefix = "task:";

struct PreferenceSource {
  std::string source;  // a .jsonl/.json file or task:SPEC
  std::string chat_template = "auto";
  data::TaskPreferenceOptions task;  // for task:SPEC (task.pairs is the number drawn)
};

bool IsTaskSource(std::string_view source);

// The chat template that renders a file's conversational records: the source's
// chat_template, or for "auto" the one that fits the tokenizer.
std::unique_ptr<models::ChatTemplate> SourceChatTemplate(const PreferenceSource& source,
                                                         const models::Tokenizer& tokenizer);

// The records of a file, or `task.pairs` task pairs from `split` drawn with `seed`.
std::vector<data::PreferenceRecord> ReadPreferenceSource(const PreferenceSource& source,
                                                         const models::Tokenizer& tokenizer,
                                                         data::TaskSplit split, uint64_t seed);

// The training and held-out records of a preference pipeline (train-rm, dpo), the held-out
// ones chosen the same way everywhere: the `eval_file` when one is named; for task:SPEC,
// `task_eval_pairs` fresh pairs from the test split with gold labels (no label noise);
// otherwise `eval_fraction` of the training records, split off deterministically. `read`
// is (source, split, seed) -> Records and `split` is (train, held_out, fraction, seed).
template <class Records>
struct TrainAndHeldOut {
  Records train, held_out;
};

template <class Records, class Read, class Split>
TrainAndHeldOut<Records> ReadTrainAndHeldOut(const PreferenceSource& train,
                                             const std::string& eval_file, int64_t task_eval_pairs,
                                             double eval_fraction, uint64_t seed, Read read,
                                             Split split) {
  TrainAndHeldOut<Records> out;
  out.train = read(train, data::TaskSplit::kTrain, DeriveSeed(seed, "task-train"));
  if (!eval_file.empty()) {
    out.held_out =
        read(PreferenceSource{eval_file, train.chat_template, {}}, data::TaskSplit::kTest, 0);
  } else if (IsTaskSource(train.source)) {
    PreferenceSource eval = train;
    eval.task.pairs = task_eval_pairs;
    eval.task.label_noise = 0.0;  // held-out labels are the gold ones
    if (eval.task.pairs > 0) {
      out.held_out = read(eval, data::TaskSplit::kTest, DeriveSeed(seed, "task-eval"));
    }
  } else if (eval_fraction > 0) {
    split(out.train, out.held_out, eval_fraction, DeriveSeed(seed, "eval-split"));
  }
  return out;
}

// The rules for records longer than max_length: drop and keep_end (data::Truncation), or
// error, which refuses the data and names the first record too long (file:line, its length
// and the limit). Anything else is an error listing the three.
inline constexpr std::string_view kRefuseLongRecords = "error";
void CheckRewardModelTruncation(std::string_view truncation);

// Where a tokenized example came from: its index in the records and whether it was cut.
struct ExampleOrigin {
  int64_t record = 0;
  bool truncated = false;
};

// What the truncation rule did, in words: "truncation=keep_end: 3 of 200 records longer than
// max_length 256 tokens (longest 1800), cut at the start", or that no record was longer.
std::string DescribeLongRecords(const data::PreferenceTokenizeStats& stats, int64_t records,
                                int64_t max_length, std::string_view truncation);

// What tokenizing did besides the examples: one origin per example and the counts.
struct RewardModelTokenization {
  std::vector<ExampleOrigin> origins;
  data::PreferenceTokenizeStats stats;
};

// Tokenizes `records` under the truncation rule, warns with the counts of cut, dropped,
// duplicate and contradictory records, and adds them to `report` as "<what>_records" (the
// examples kept), "<what>_truncation" (the rule), "<what>_truncated", "<what>_dropped",
// "<what>_longest_tokens", "<what>_duplicates", "<what>_contradictions". `details`, when
// given, gets each example's origin and the counts.
std::vector<data::PreferenceExample> TokenizeForRewardModel(
    const std::vector<data::PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, std::string_view truncation, std::string_view what, nlohmann::json& report,
    RewardModelTokenization* details = nullptr);

}  // namespace rlab::pipeline
