// The figures of `rlab data inspect`: counts, lengths in characters and byte tokens, sequences
// over the limit, duplicates.
#include <gtest/gtest.h>

#include "rlab/text/preference_stats.h"
#include "rlab/text/tokenizer/named_tokenizer.h"

namespace rlab::data {
namespace {

PreferenceRecord MakeRecord(std::string prompt, std::vector<std::string> responses) {
  PreferenceRecord r;
  r.prompt = std::move(prompt);
  r.responses = std::move(responses);
  return r;
}

TEST(PreferenceStats, CountsAndLengths) {
  std::vector<PreferenceRecord> records = {
      MakeRecord("ab", {"x", "\xc3\xa9\xc3\xa9"}),  // é é: 2 chars, 4 bytes
      MakeRecord("abcd", {"xyz", "w"}), MakeRecord("ab", {"x", "\xc3\xa9\xc3\xa9"}),
      MakeRecord("p", {"a", "b", "c"})};
  records[3].ranked = true;
  records[1].tie = true;
  records[1].margin = 1.0;
  records[2].margin = 2.0;
  records[2].score_chosen = 3.0;
  records[2].score_rejected = 1.0;
  for (std::size_t i = 0; i < records.size(); ++i) records[i].where = "f:" + std::to_string(i + 1);
  const auto tok = models::OpenTokenizer("byte");  // one token per byte, with a BOS
  const PreferenceStats s = ComputePreferenceStats(records, *tok, /*max_length=*/5);
  EXPECT_EQ(s.records, 4);
  EXPECT_EQ(s.pairs, 3);
  EXPECT_EQ(s.rankings, 1);
  EXPECT_EQ(s.ranking_sizes, (std::map<int64_t, int64_t>{{3, 1}}));
  EXPECT_EQ(s.best_of_n, 0);
  records[3].ranked = false;  // one chosen against two rejected
  EXPECT_EQ(ComputePreferenceStats(records, *tok, 5).best_of_n, 1);
  EXPECT_EQ(s.ties, 1);
  EXPECT_EQ(s.with_margin, 2);
  EXPECT_EQ(s.with_scores, 1);
  EXPECT_EQ(s.prompt_chars.min, 1);
  EXPECT_EQ(s.prompt_chars.max, 4);
  EXPECT_DOUBLE_EQ(s.prompt_chars.mean(), 9.0 / 4.0);
  EXPECT_EQ(s.response_chars.count, 9);
  EXPECT_EQ(s.response_chars.max, 3);
  EXPECT_EQ(s.response_tokens.max, 4);  // the two é are four bytes
  EXPECT_EQ(s.prompt_tokens.max, 4);
  // Sequences: BOS + prompt + response: 1+2+1, 1+2+4, 1+4+3, 1+4+1, (twice the first), 1+1+1 x3.
  EXPECT_EQ(s.sequence_tokens.max, 8);
  EXPECT_EQ(s.over_max_length, 4);  // 7, 8, 6 and the repeated 7
  EXPECT_EQ(s.duplicates, (std::vector<std::pair<std::size_t, std::size_t>>{{0, 2}}));
  const auto j = PreferenceStatsJson(s, records, 5);
  EXPECT_EQ(j["duplicates"]["count"], 1);
  EXPECT_EQ(j["duplicates"]["examples"][0]["repeat"], "f:3");
  EXPECT_EQ(j["contradictory_duplicates"]["count"], 0);
  EXPECT_EQ(j["ranking_sizes"]["3"], 1);
  EXPECT_EQ(j["over_max_length"], 4);
}

}  // namespace
}  // namespace rlab::data
