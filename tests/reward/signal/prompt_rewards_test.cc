// Rewards of completions to a prompt file's prompts: exact_match and regex read the record's
// columns, found by prompt, and a weighted sum of sources adds them as hand-computed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "rlab/reward/signal/text_reward_source.h"
#include "rlab/reward/signal/verifiable_rewards.h"
#include "rlab/text/prompt_dataset.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

data::PromptColumns RecordColumns(std::map<std::string, std::string, std::less<>> values) {
  return {std::move(values), "prompts.jsonl:7"};
}

double ScoreOnRecord(const std::string& spec, const std::string& completion,
                     const data::PromptColumns& columns) {
  return MakeVerifiableReward(spec)->ScoreRecord("p", completion, std::nullopt, &columns);
}

TEST(PromptRewards, ExactMatchComparesWithTheNamedColumn) {
  const auto record = RecordColumns({{"answer", "47"}, {"alias", "forty-seven"}});
  EXPECT_EQ(ScoreOnRecord("exact_match", " 47<|endoftext|>", record), 1.0);
  EXPECT_EQ(ScoreOnRecord("exact_match(column=answer)", "48", record), 0.0);
  EXPECT_EQ(ScoreOnRecord("exact_match(column=alias)", "forty-seven", record), 1.0);
  const std::string missing =
      testing::ErrorOf([&] { ScoreOnRecord("exact_match(column=gold)", "47", record); });
  EXPECT_NE(missing.find("prompts.jsonl:7"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'gold'"), std::string::npos) << missing;
  // A task's prompt has its answer only.
  EXPECT_EQ(MakeVerifiableReward("exact_match")->Score("p", "4", std::string("4")), 1.0);
  EXPECT_NE(testing::ErrorOf([] {
              MakeVerifiableReward("exact_match(column=alias)")->Score("p", "4", std::string("4"));
            }).find("column"),
            std::string::npos);
}

TEST(PromptRewards, RegexSearchesForTheSpecsOrTheRecordsPattern) {
  const auto record = RecordColumns({{"accepts", "^(47|forty-seven)$"}});
  EXPECT_EQ(ScoreOnRecord("regex(pattern=\"\\d+\")", "it is 47.", record), 1.0);
  EXPECT_EQ(ScoreOnRecord("regex(pattern=\"\\d+\")", "no digits", record), 0.0);
  EXPECT_EQ(ScoreOnRecord("regex(column=accepts)", "forty-seven", record), 1.0);
  EXPECT_EQ(ScoreOnRecord("regex(column=accepts)", "it is 47", record), 0.0);
  EXPECT_NE(testing::ErrorOf([] { MakeVerifiableReward("regex"); }).find("exactly one"),
            std::string::npos);
  const auto bad = RecordColumns({{"accepts", "("}});
  const std::string e = testing::ErrorOf([&] { ScoreOnRecord("regex(column=accepts)", "x", bad); });
  EXPECT_NE(e.find("prompts.jsonl:7"), std::string::npos) << e;
}

TEST(PromptRewards, WeightedSourcesReadEachPromptsRecord) {
  const std::map<std::string, data::PromptColumns, std::less<>> file = {
      {"1+1=", RecordColumns({{"answer", "2"}})}, {"2+2=", RecordColumns({{"answer", "4"}})}};
  const TextRewardSource rewards({"exact_match", "regex(pattern=\"^\\d$\")"}, {2.0, 0.5},
                                 [&](std::string_view prompt) -> const data::PromptColumns* {
                                   const auto it = file.find(prompt);
                                   return it == file.end() ? nullptr : &it->second;
                                 });
  const TextRewards r = rewards.Score({"1+1=", "2+2=", "2+2="}, {"2", "5", "four"});
  // exact_match [1, 0, 0] * 2 + one digit [1, 1, 0] * 0.5.
  EXPECT_TRUE(torch::allclose(r.total, torch::tensor({2.5f, 0.5f, 0.0f})));
  ASSERT_EQ(r.parts.size(), 2u);
  EXPECT_EQ(r.parts[0].first, "exact_match");
  EXPECT_EQ(r.parts[1].first, "regex");
}

}  // namespace
}  // namespace rlab::reward
