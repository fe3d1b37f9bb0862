// Verifiable rewards: exact match after stripping whitespace and an end-of-sequence text,
// full-match regular expressions, and the arithmetic task's gold reward through a nested spec.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/signal/verifiable_rewards.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

double Score(const std::string& spec, const std::string& completion,
             std::optional<std::string> answer = std::nullopt, const std::string& prompt = "") {
  return MakeVerifiableReward(spec)->Score(prompt, completion, answer);
}

TEST(VerifiableRewards, ExactMatchStripsWhitespaceAndEos) {
  EXPECT_EQ(Score("exact_match", "  42<|endoftext|>\n", "42"), 1.0);
  EXPECT_EQ(Score("exact_match", "42 ", " 42\n"), 1.0);
  EXPECT_EQ(Score("exact_match", "42 <|endoftext|>", "42"), 1.0);
  EXPECT_EQ(Score("exact_match", "420", "42"), 0.0);
  EXPECT_EQ(Score("exact_match", "4 2", "42"), 0.0);
  // Only one trailing end-of-sequence text is removed.
  EXPECT_EQ(Score("exact_match", "42<|endoftext|><|endoftext|>", "42"), 0.0);
  EXPECT_EQ(Score("exact_match(eos=</s>)", "7</s>", "7"), 1.0);
  EXPECT_EQ(Score("exact_match(eos=\"\")", "42<|endoftext|>", "42"), 0.0);
  EXPECT_EQ(StripCompletion("\t x </s> ", "</s>"), "x");
  EXPECT_TRUE(MakeVerifiableReward("exact_match")->NeedsAnswer());
  EXPECT_NE(testing::ErrorOf([] { Score("exact_match", "42"); }).find("reference answer"),
            std::string::npos);
}

TEST(VerifiableRewards, FormatMatchesTheWholeCompletion) {
  EXPECT_EQ(Score("format(regex=\\d+)", "123"), 1.0);
  EXPECT_EQ(Score("format(regex=\\d+)", "12a"), 0.0);
  EXPECT_EQ(Score("format(regex=\\d+)", "a123"), 0.0);
  // A quoted pattern may hold commas and brackets.
  const std::string thousands = "format(regex=\"\\d{1,3}(,\\d{3})*\")";
  EXPECT_EQ(Score(thousands, "1,234,567"), 1.0);
  EXPECT_EQ(Score(thousands, "1234"), 0.0);
  const std::string think = "format(regex=\"<think>[\\s\\S]*</think>\\s*<answer>.*</answer>\")";
  EXPECT_EQ(Score(think, "<think>a\nb</think>\n<answer>5</answer>"), 1.0);
  EXPECT_EQ(Score(think, "<answer>5</answer>"), 0.0);
  EXPECT_FALSE(MakeVerifiableReward("format(regex=x)")->NeedsAnswer());
  EXPECT_NE(testing::ErrorOf([] {
              MakeVerifiableReward("format(regex=\"[\")");
            }).find("not a valid regular expression"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeVerifiableReward("format"); }).find("regex"),
            std::string::npos);
}

TEST(VerifiableRewards, TaskRewardUsesTheGoldReward) {
  const auto r = MakeVerifiableReward("task(spec=arithmetic(digits=3, ops=+-))");
  EXPECT_FALSE(r->NeedsAnswer());
  EXPECT_EQ(r->Score("12+35=", "47", std::nullopt), 1.0);
  EXPECT_EQ(r->Score("12+35=", " 47 \nmore", std::nullopt), 1.0);
  EXPECT_EQ(r->Score("12+35=", "48", std::nullopt), 0.0);
  EXPECT_EQ(r->Score("100-250=", "-150", std::nullopt), 1.0);
  EXPECT_NE(testing::ErrorOf([&] { r->Score("hello", "1", std::nullopt); }).find("arithmetic"),
            std::string::npos);
  EXPECT_EQ(MakeVerifiableReward("task")->Score("3+4=", "7", std::nullopt), 1.0);
}

TEST(VerifiableRewards, ScoreBatchGivesOneFloatPerCompletion) {
  const auto r = MakeVerifiableReward("exact_match");
  const torch::Tensor s = ScoreBatch(*r, {"p", "p", "q"}, {"1", "2", " 3<|endoftext|>"},
                                     {std::string("1"), std::string("1"), std::string("3")});
  ASSERT_EQ(s.dtype(), torch::kFloat32);
  ASSERT_EQ(s.size(0), 3);
  EXPECT_EQ(s[0].item<float>(), 1.0f);
  EXPECT_EQ(s[1].item<float>(), 0.0f);
  EXPECT_EQ(s[2].item<float>(), 1.0f);
  EXPECT_NE(testing::ErrorOf([&] { ScoreBatch(*r, {"p"}, {"1"}); }).find("reference answer"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ScoreBatch(*r, {"p", "q"}, {"1"});
            }).find("2 prompts"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
