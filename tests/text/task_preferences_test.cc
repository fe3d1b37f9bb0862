// Task preference pairs: the better response (by the hidden gold reward) comes first, label
// noise flips about its share, ratings carry the gold rewards; and tokenization for a reward
// model adds BOS/EOS and follows the truncation policy it reports.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "rlab/text/cyclic_task.h"
#include "rlab/text/keyword_task.h"
#include "rlab/text/preference_tokens.h"
#include "rlab/text/task_preferences.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::data {
namespace {

TEST(TaskPreferences, GoldOrdersEveryPairWithoutNoise) {
  const auto task = MakeTextTask("keywords");
  Rng rng(7);
  TaskPreferenceOptions o;
  o.pairs = 300;
  TaskPreferenceStats stats;
  const auto records = SampleTaskPreferences(*task, o, TaskSplit::kTrain, rng, &stats);
  ASSERT_EQ(records.size(), 300u);
  EXPECT_EQ(stats.flipped, 0);
  for (const auto& r : records) {
    ASSERT_EQ(r.responses.size(), 2u);
    const double a = task->GoldReward(r.prompt, r.responses[0]);
    const double b = task->GoldReward(r.prompt, r.responses[1]);
    EXPECT_GT(a, b) << r.prompt << r.responses[0] << " vs " << r.responses[1];
    EXPECT_DOUBLE_EQ(*r.score_chosen, a);
    EXPECT_DOUBLE_EQ(*r.score_rejected, b);
    EXPECT_FALSE(r.margin.has_value());
  }
}

TEST(TaskPreferences, NoiseFlipsItsShareAndTheSeedFixesTheData) {
  const auto task = MakeTextTask("keywords");
  TaskPreferenceOptions o;
  o.pairs = 2000;
  o.label_noise = 0.25;
  Rng rng(1);
  TaskPreferenceStats stats;
  const auto records = SampleTaskPreferences(*task, o, TaskSplit::kTrain, rng, &stats);
  int64_t wrong = 0;
  for (const auto& r : records) {
    wrong +=
        task->GoldReward(r.prompt, r.responses[0]) < task->GoldReward(r.prompt, r.responses[1]);
  }
  EXPECT_EQ(wrong, stats.flipped);
  EXPECT_NEAR(static_cast<double>(wrong) / o.pairs, 0.25, 0.03);
  Rng again(1);
  const auto same = SampleTaskPreferences(*task, o, TaskSplit::kTrain, again);
  EXPECT_EQ(same[17].responses, records[17].responses);
}

TEST(TaskPreferences, ArithmeticPairsARightAndAWrongAnswer) {
  const auto task = MakeTextTask("arithmetic");
  Rng rng(3);
  TaskPreferenceOptions o;
  o.pairs = 50;
  for (const auto& r : SampleTaskPreferences(*task, o, TaskSplit::kTest, rng)) {
    EXPECT_EQ(task->GoldReward(r.prompt, r.responses[0]), 1.0);
    EXPECT_EQ(task->GoldReward(r.prompt, r.responses[1]), 0.0);
  }
}

TEST(TaskPreferences, ImpossibleGapIsAnError) {
  const auto task = MakeTextTask("arithmetic");
  Rng rng(3);
  TaskPreferenceOptions o;
  o.pairs = 1;
  o.min_gold_gap = 5.0;  // exact match differs by at most 1
  EXPECT_NE(testing::ErrorOf([&] {
              SampleTaskPreferences(*task, o, TaskSplit::kTrain, rng);
            }).find("differ by more than 5"),
            std::string::npos);
}

// FNV-1a over every field of the records, scores written to full precision: a fingerprint of
// the data a seed gives.
uint64_t Fingerprint(const std::vector<PreferenceRecord>& records) {
  uint64_t h = 1469598103934665603ull;
  auto add = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const auto& r : records) {
    add(r.prompt);
    for (const auto& response : r.responses) add(response);
    add(fmt::format("{:.17g} {:.17g} {}", *r.score_chosen, *r.score_rejected, r.where));
  }
  return h;
}

// Labelling by the gold preference leaves the pairs of transitive tasks, whose preference
// follows the gold reward, exactly those that ordering by the gold reward drew (pinned from the
// code before the change), noise, gap and ratings included.
TEST(TaskPreferences, TransitiveTasksKeepTheirPairsBitForBit) {
  TaskPreferenceOptions o;
  o.pairs = 400;
  o.label_noise = 0.2;
  o.rating_noise = 0.3;
  Rng keyword_rng(11);
  const auto keywords = MakeTextTask("keywords");
  o.min_gold_gap = 0.5;
  const auto keyword_records = SampleTaskPreferences(*keywords, o, TaskSplit::kTrain, keyword_rng);
  o.min_gold_gap = 0.0;
  Rng arithmetic_rng(12);
  const auto arithmetic = MakeTextTask("arithmetic(digits=2, ops=+-*)");
  const auto arithmetic_records =
      SampleTaskPreferences(*arithmetic, o, TaskSplit::kTest, arithmetic_rng);
  EXPECT_EQ(Fingerprint(keyword_records), 1330525173504782362u) << "keywords";
  EXPECT_EQ(Fingerprint(arithmetic_records), 11071966464508671438u) << "arithmetic";
}

// On the cyclic task a pair's label is a draw from the judge: chosen beats rejected at the
// rate the matrix gives for their types, not always (no gold reward orders them).
TEST(TaskPreferences, CyclicLabelsAreDrawnAtTheJudgesRate) {
  const CyclicTask task({});
  TaskPreferenceOptions o;
  o.pairs = 6000;
  Rng rng(5);
  const auto records = SampleTaskPreferences(task, o, TaskSplit::kTrain, rng);
  const auto matrix = task.TypePreference();
  int64_t count[3][3] = {}, invalid_chosen = 0;
  for (const auto& r : records) {
    const int64_t a = task.TypeOf(r.responses[0]), b = task.TypeOf(r.responses[1]);
    ASSERT_FALSE(a == b) << "pairs the judge ties are redrawn: " << r.responses[0];
    if (a == ResponseGame::kNoType) ++invalid_chosen;
    if (a == ResponseGame::kNoType || b == ResponseGame::kNoType) continue;
    ++count[a][b];
  }
  EXPECT_EQ(invalid_chosen, 0);
  for (int a = 0; a < 3; ++a) {
    for (int b = a + 1; b < 3; ++b) {
      const double n = count[a][b] + count[b][a];
      ASSERT_GT(n, 500) << a << " " << b;
      // Three standard errors of a rate near 0.9 over ~1300 pairs is about 0.025.
      EXPECT_NEAR(count[a][b] / n, matrix[a][b], 0.03)
          << task.TypeNames()[a] << " vs " << task.TypeNames()[b];
    }
  }
}

PreferenceRecord Pair(std::string prompt, std::string chosen, std::string rejected) {
  PreferenceRecord r;
  r.prompt = std::move(prompt);
  r.responses = {std::move(chosen), std::move(rejected)};
  r.where = "test:1";
  return r;
}

TEST(PreferenceTokens, SequencesAreBosPromptResponseEos) {
  models::ByteTokenizer tokenizer;
  PreferenceRecord r = Pair("ab", "c", "de");
  r.score_chosen = 2.0;
  r.score_rejected = 1.0;
  r.margin = 0.5;
  const auto examples = TokenizePreferences({r}, tokenizer, 64, Truncation::kDrop);
  ASSERT_EQ(examples.size(), 1u);
  const auto& e = examples[0];
  std::vector<int64_t> chosen = tokenizer.EncodeWithBos("abc");
  chosen.push_back(*tokenizer.eos_id());
  EXPECT_EQ(e.sequences[0], chosen);
  EXPECT_EQ(e.sequences[1].size(), chosen.size() + 1);
  EXPECT_EQ(e.ratings, (std::vector<double>{2.0, 1.0}));
  EXPECT_DOUBLE_EQ(e.margin, 0.5);
  EXPECT_FALSE(e.ranking);
}

TEST(PreferenceTokens, LongRecordsAreDroppedOrCutAtTheStartAndCounted) {
  models::ByteTokenizer tokenizer;
  const std::vector<PreferenceRecord> records = {Pair("p", "a", "b"),
                                                 Pair(std::string(40, 'x'), "yes", "no")};
  PreferenceTokenizeStats stats;
  auto dropped = TokenizePreferences(records, tokenizer, 16, Truncation::kDrop, &stats);
  EXPECT_EQ(dropped.size(), 1u);
  EXPECT_EQ(stats.dropped, 1);
  EXPECT_EQ(stats.truncated, 0);
  EXPECT_EQ(stats.longest, 45);  // BOS + 40 + "yes" + EOS
  auto cut = TokenizePreferences(records, tokenizer, 16, Truncation::kKeepEnd, &stats);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_EQ(stats.truncated, 1);
  const auto& s = cut[1].sequences[0];
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(s.front(), *tokenizer.bos_id());
  EXPECT_EQ(s.back(), *tokenizer.eos_id());
  EXPECT_EQ(tokenizer.Decode(std::span<const int64_t>(s.end() - 4, s.end() - 1)), "yes");
  EXPECT_NE(testing::ErrorOf([] { ParseTruncation("middle"); }).find("drop, keep_end"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::data
