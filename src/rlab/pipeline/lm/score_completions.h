// rlab score: a reward model's score of every (prompt, completion) row of a file in TRL's
// prompt-completion layouts, written back as the same rows with a "score" field:
//   standard         {"prompt": "...", "completion": "...", ...any other columns}
//   conversational   {"prompt": [{"role": "user", ...}], "completion": [{"role": "assistant",
//                     ...}]}, rendered with the chat template as train-rm renders its pairs
// Each row is tokenized as train-rm tokenizes a response (BOS + prompt + completion + EOS); a
// row longer than max_length keeps its last max_length tokens (where the score is read) and
// gets "truncated": true, and the count is logged. An ensemble's "score" is its members' mean,
// with each member's in "member_scores". A row that does not fit is an error naming the file,
// the line and the field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace rlab::pipeline {

struct ScoreOptions {
  std::string model;  // a reward-model directory (train-rm's <run>/reward_model, or an ensemble)
  std::string data;   // .jsonl (or a .json array) of prompt-completion rows
  std::string out;    // empty: DefaultScoredPath(data)
  std::string chat_template = "auto";
  int64_t max_length = 512;
  int64_t batch_size = 64;
};

struct ScoreSummary {
  int64_t rows = 0, truncated = 0;
  std::filesystem::path out;
};

// <data's folder>/<data's stem>.scored.jsonl
std::filesystem::path DefaultScoredPath(const std::filesystem::path& data);

ScoreSummary ScoreCompletionFile(const ScoreOptions& options);

}  // namespace rlab::pipeline
