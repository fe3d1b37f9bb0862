// Preference records tokenized for a sequence reward model: each response becomes one
// sequence, BOS (when the tokenizer has one) + the prompt and response encoded as one text +
// EOS (when it has one), so the score is read at the same end token of every sequence.
// Sequences longer than max_length follow a stated policy, and the counts are returned so the
// caller reports them: never a silent cut.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::data {

enum class Truncation {
  kDrop,     // drop a record any of whose sequences is too long (TRL's RewardTrainer filters)
  kKeepEnd,  // keep BOS and the last max_length - 1 tokens: the prompt's start is cut
};
Truncation ParseTruncation(std::string_view name);  // "drop" or "keep_end"

struct PreferenceExample {
  std::vector<std::vector<int64_t>> sequences;  // one per response, in the record's order
  std::vector<double> ratings;                  // per response; NaN where the data has none
  double margin = 0.0;
  bool tie = false;
  bool ranking = false;  // a full order, best first; otherwise chosen first, then rejected
  std::string subset;
  std::string where;
  int64_t Tokens() const;
};

struct PreferenceTokenizeStats {
  int64_t truncated = 0;  // records with a sequence cut (keep_end)
  int64_t dropped = 0;    // records left out (drop)
  int64_t longest = 0;    // the longest sequence before any cut, in tokens
};

std::vector<PreferenceExample> TokenizePreferences(const std::vector<PreferenceRecord>& records,
                                                   const models::Tokenizer& tokenizer,
                                                   int64_t max_length, Truncation truncation,
                                                   PreferenceTokenizeStats* stats = nullptr);

}  // namespace rlab::data
