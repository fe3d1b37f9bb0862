// Preference data in TRL's conventions (the RewardTrainer's and DPOTrainer's dataset
// formats), read from JSON Lines or a JSON array:
//   standard          {"prompt": "...", "chosen": "...", "rejected": "..."}
//   implicit prompt   {"chosen": "full text", "rejected": "full text"}: the prompt is their
//                     longest common prefix (of messages, for conversations)
//   conversational    prompt / chosen / rejected as lists of {"role", "content"}, rendered
//                     with the chat template
//   optional fields   "margin" (a number), or "score_chosen" and "score_rejected" (the margin
//                     is their difference); "tie": true (the two responses are equally good)
//   rankings          {"prompt": ..., "ranking": [best, ..., worst]} with two or more
//                     responses (k-wise data for Plackett-Luce and PRO)
//   best of N         {"prompt": "...", "chosen": "..." or ["..."], "rejected": ["...", ...]}:
//                     one chosen and several rejected texts (RewardBench 2's layout)
//   "subset"          an optional category name, for per-subset accuracy
// A record that does not fit is an error naming the file, the line (or array index) and the
// field: a missing or mistyped field, text that is not well-formed UTF-8, an empty response.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/tokenizer/chat_template.h"

namespace rlab::data {

struct PreferenceRecord {
  std::string prompt;                  // rendered text (the generation prompt included)
  std::vector<std::string> responses;  // best first: chosen, rejected for a pair
  std::optional<double> margin;        // "margin", or score_chosen - score_rejected
  std::optional<double> score_chosen, score_rejected;
  bool tie = false;
  bool ranked = false;  // a "ranking": a full order; else responses[0] beats each of the rest
  std::string subset;   // "subset": the record's category, for per-subset evaluation
  std::string where;    // "file:line" for messages
  bool is_pair() const { return responses.size() == 2 && !ranked; }
};

std::vector<PreferenceRecord> ReadPreferenceRecords(const std::filesystem::path& path,
                                                    const models::ChatTemplate& chat);

// A response to a conversational prompt as text: what `chat` renders after the prompt's
// generation prompt. Every reply message must be a non-empty assistant message; errors name
// `where` and `field` (`first` is the index of reply[0] in that field's list).
std::string RenderReply(const std::vector<models::ChatMessage>& prompt,
                        const std::vector<models::ChatMessage>& reply,
                        const models::ChatTemplate& chat, const std::string& where,
                        std::string_view field, std::size_t first = 0);

}  // namespace rlab::data
