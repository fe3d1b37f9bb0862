// Task preference pairs: the better response (by the hidden gold reward) comes first, label
// noise flips about its share, ratings carry the gold rewards; and tokenization for a reward
// model adds BOS/EOS and follows the truncation policy it reports.
#include <gtest/gtest.h>

#include <cmath>

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
