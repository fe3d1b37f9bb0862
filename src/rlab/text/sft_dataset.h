// Supervised fine-tuning data in TRL's conventions (SFTTrainer's dataset formats), tokenized
// with the loss on completion tokens only:
//   prompt-completion     {"prompt": "12+35=", "completion": "47"}
//   conversational p-c    {"prompt": [{"role": "user", ...}], "completion": [{"role":
//                          "assistant", ...}]}
//   conversational        {"messages": [{"role": ..., "content": ...}, ...]}: the loss covers
//                          the assistant turns
// Files are JSON Lines, or a JSON array of such objects. A record that does not fit is an
// error naming the file, the line (or array index) and the field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/chat_template.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::data {

// One record before tokenization: alternating pieces of text, each with or without loss.
struct SftPiece {
  std::string text;
  bool trained = false;  // the loss covers this piece's tokens
};
struct SftRecord {
  std::vector<SftPiece> pieces;
  bool append_eos = false;  // prompt-completion records end with EOS, which is trained on
  std::string where;        // "file:line", for messages about this record
};

struct SftExample {
  std::vector<int64_t> ids;
  std::vector<uint8_t> trained;  // per token: 1 when the loss covers predicting it
  int64_t TrainedTokens() const;
};

// Reads records from a .jsonl or .json file. Conversational records are rendered with `chat`.
std::vector<SftRecord> ReadSftRecords(const std::filesystem::path& path,
                                      const models::ChatTemplate& chat);

// A task's demonstrations as prompt-completion records.
std::vector<SftRecord> SampleTaskRecords(const TextTask& task, int64_t count, TaskSplit split,
                                         Rng& rng);

struct TokenizeStats {
  int64_t truncated = 0;  // records cut to max_length
  int64_t dropped = 0;    // records left with no trained token after the cut
};

// BOS (when the tokenizer has one) + the pieces' tokens (+ EOS), right-truncated to
// max_length tokens. Records with no trained token left are dropped and counted.
std::vector<SftExample> TokenizeSftRecords(const std::vector<SftRecord>& records,
                                           const models::Tokenizer& tokenizer, int64_t max_length,
                                           TokenizeStats* stats = nullptr);

}  // namespace rlab::data
