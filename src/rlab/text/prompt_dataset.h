// Prompt-only data in TRL's layouts (what GRPOTrainer, RLOOTrainer and OnlineDPOTrainer read):
//   standard          {"prompt": "What is 12+35?", "answer": "47", ...}
//   conversational    {"prompt": [{"role": "user", "content": "What is 12+35?"}], ...}
// A conversational prompt is rendered with a chat template and its generation prompt, as the
// preference and SFT readers render theirs. Every other field of a record is kept as a column
// (a string as it is, anything else as its JSON text) for reward sources that compare a
// completion with a record's `answer`, `tests` or pattern. Files are JSON Lines or a JSON
// array; a record that does not fit is an error naming the file, the line (or array index)
// and the field.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/tokenizer/chat_template.h"

namespace rlab::data {

// The column that holds a prompt's reference answer, where exact_match looks by default.
inline constexpr std::string_view kAnswerColumn = "answer";

// A record's columns besides the prompt.
struct PromptColumns {
  std::map<std::string, std::string, std::less<>> values;
  std::string where;  // "file:line" of the record

  // The column's text. A missing column is an error naming the record, `reader` (what asked
  // for it) and the columns the record has.
  const std::string& Get(std::string_view column, std::string_view reader) const;
  // The column's text, or nullptr where the record lacks it.
  const std::string* Find(std::string_view column) const;
};

struct PromptRecord {
  std::string prompt;  // the text the model continues (rendered, for a conversation)
  PromptColumns columns;
};

// Reads the records of a .jsonl or .json file; conversational prompts are rendered with `chat`.
std::vector<PromptRecord> ReadPromptRecords(const std::filesystem::path& path,
                                            const models::ChatTemplate& chat);

// A prompt's columns, for rewards that are handed a batch's prompts only; nullptr where the
// prompt has none (a synthetic task's prompt).
using PromptColumnLookup = std::function<const PromptColumns*(std::string_view prompt)>;

}  // namespace rlab::data
