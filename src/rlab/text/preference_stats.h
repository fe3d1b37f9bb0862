// What a preference dataset holds, for `rlab data inspect`: how many pairs, ties and rankings,
// how long prompts and responses are in characters and in tokens, how many prompt + response
// sequences a length limit would cut, and how many records repeat or contradict another.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "rlab/text/preference_dataset.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::data {

struct LengthStats {
  int64_t count = 0, min = 0, max = 0;
  double sum = 0;
  void Add(int64_t length);
  double mean() const { return count ? sum / static_cast<double>(count) : 0.0; }
};

struct PreferenceStats {
  int64_t records = 0, pairs = 0, rankings = 0, ties = 0;
  int64_t best_of_n = 0;                     // one chosen against several rejected responses
  int64_t with_margin = 0;                   // a margin given or computed from scores
  int64_t with_scores = 0;                   // score_chosen and score_rejected
  std::map<int64_t, int64_t> ranking_sizes;  // k -> rankings of k responses
  // Characters are Unicode code points. Responses: every response of every record.
  LengthStats prompt_chars, response_chars, prompt_tokens, response_tokens;
  // One sequence per response: BOS (when the tokenizer has one) + prompt + response, the
  // tokens a reward model or policy reads for it.
  LengthStats sequence_tokens;
  int64_t max_length = 0;
  int64_t over_max_length = 0;  // sequences longer than max_length
  std::vector<std::pair<std::size_t, std::size_t>> duplicates, contradictory;
};

PreferenceStats ComputePreferenceStats(const std::vector<PreferenceRecord>& records,
                                       const models::Tokenizer& tokenizer, int64_t max_length);

// The figures as one JSON object; `examples` duplicate and contradictory pairs are listed
// with their records' locations ("file:line").
nlohmann::ordered_json PreferenceStatsJson(const PreferenceStats& stats,
                                           const std::vector<PreferenceRecord>& records,
                                           std::size_t examples);

}  // namespace rlab::data
