// Preference records tokenized for training the policy itself (DPO and its relatives, PRO):
// every response becomes a prompt + completion sequence, BOS + prompt (no loss) + response +
// EOS (loss), as TRL's DPOTrainer builds them, so that a response's log-probability is the sum
// over its completion tokens only. Sequences longer than max_length are cut on the right; a
// record left with a response that has no completion token, and a tie (which says nothing
// about which response to raise), are dropped, and both are counted for the caller to report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/sft_dataset.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::data {

struct PolicyPreferenceExample {
  std::vector<SftExample> responses;  // best first: chosen then rejected(s), or a full ranking
  bool ranked = false;
  std::string where;
  // A pair's reward margin: the record's "margin", or score_chosen - score_rejected (task pairs
  // carry their gold rewards as scores); none when the record gives neither.
  std::optional<double> margin;
};

struct PolicyPreferenceStats {
  int64_t truncated = 0;  // records with a response cut to max_length
  int64_t dropped = 0;    // records with a response that kept no completion token
  int64_t ties = 0;       // tied records, left out
};

std::vector<PolicyPreferenceExample> TokenizePolicyPreferences(
    const std::vector<PreferenceRecord>& records, const models::Tokenizer& tokenizer,
    int64_t max_length, PolicyPreferenceStats* stats = nullptr);

}  // namespace rlab::data
