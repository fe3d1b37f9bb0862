#include "rlab/text/preference_stats.h"

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/text/preference_duplicates.h"
#include "rlab/text/tokenizer/unicode.h"

namespace rlab::data {

namespace {

int64_t Characters(const std::string& text) {
  return static_cast<int64_t>(models::DecodeUtf8(text).size());
}

nlohmann::ordered_json LengthJson(const LengthStats& s) {
  nlohmann::ordered_json j;
  j["min"] = s.min;
  j["mean"] = s.mean();
  j["max"] = s.max;
  return j;
}

nlohmann::ordered_json PairsJson(const std::vector<std::pair<std::size_t, std::size_t>>& pairs,
                                 const std::vector<PreferenceRecord>& records,
                                 std::size_t examples) {
  nlohmann::ordered_json j;
  j["count"] = pairs.size();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < std::min(examples, pairs.size()); ++i) {
    nlohmann::ordered_json e;
    e["first"] = records[pairs[i].first].where;
    e["repeat"] = records[pairs[i].second].where;
    list.push_back(e);
  }
  j["examples"] = list;
  return j;
}

}  // namespace

void LengthStats::Add(int64_t length) {
  min = count ? std::min(min, length) : length;
  max = count ? std::max(max, length) : length;
  sum += static_cast<double>(length);
  ++count;
}

PreferenceStats ComputePreferenceStats(const std::vector<PreferenceRecord>& records,
                                       const models::Tokenizer& tokenizer, int64_t max_length) {
  RLAB_CHECK(max_length > 0, "max_length must be positive, got {}", max_length);
  PreferenceStats s;
  s.max_length = max_length;
  s.records = static_cast<int64_t>(records.size());
  for (const PreferenceRecord& r : records) {
    if (r.is_pair()) {
      ++s.pairs;
    } else if (r.ranked) {
      ++s.rankings;
      ++s.ranking_sizes[static_cast<int64_t>(r.responses.size())];
    } else {
      ++s.best_of_n;
    }
    if (r.tie) ++s.ties;
    if (r.margin) ++s.with_margin;
    if (r.score_chosen) ++s.with_scores;
    s.prompt_chars.Add(Characters(r.prompt));
    const auto prompt_tokens = static_cast<int64_t>(tokenizer.EncodeWithBos(r.prompt).size());
    const int64_t bos = tokenizer.bos_id() ? 1 : 0;
    s.prompt_tokens.Add(prompt_tokens - bos);
    for (const std::string& response : r.responses) {
      s.response_chars.Add(Characters(response));
      const auto tokens = static_cast<int64_t>(tokenizer.Encode(response).size());
      s.response_tokens.Add(tokens);
      s.sequence_tokens.Add(prompt_tokens + tokens);
      if (prompt_tokens + tokens > max_length) ++s.over_max_length;
    }
  }
  s.duplicates = FindDuplicatePreferences(records);
  s.contradictory = FindContradictoryPreferences(records);
  return s;
}

nlohmann::ordered_json PreferenceStatsJson(const PreferenceStats& s,
                                           const std::vector<PreferenceRecord>& records,
                                           std::size_t examples) {
  nlohmann::ordered_json j;
  j["records"] = s.records;
  j["pairs"] = s.pairs;
  j["rankings"] = s.rankings;
  j["best_of_n"] = s.best_of_n;
  nlohmann::ordered_json sizes = nlohmann::ordered_json::object();
  for (const auto& [k, n] : s.ranking_sizes) sizes[std::to_string(k)] = n;
  j["ranking_sizes"] = sizes;
  j["ties"] = s.ties;
  j["with_margin"] = s.with_margin;
  j["with_scores"] = s.with_scores;
  j["prompt_chars"] = LengthJson(s.prompt_chars);
  j["response_chars"] = LengthJson(s.response_chars);
  j["prompt_tokens"] = LengthJson(s.prompt_tokens);
  j["response_tokens"] = LengthJson(s.response_tokens);
  j["sequence_tokens"] = LengthJson(s.sequence_tokens);
  j["sequences"] = s.sequence_tokens.count;
  j["max_length"] = s.max_length;
  j["over_max_length"] = s.over_max_length;
  j["duplicates"] = PairsJson(s.duplicates, records, examples);
  j["contradictory_duplicates"] = PairsJson(s.contradictory, records, examples);
  return j;
}

}  // namespace rlab::data
