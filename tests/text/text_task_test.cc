// The synthetic tasks: demonstrations earn the gold reward they should, the gold functions
// give the values their definitions give, and the arithmetic test split is held out.
#include <gtest/gtest.h>

#include <set>

#include "rlab/text/arithmetic_task.h"
#include "rlab/text/keyword_task.h"
#include "test_support.h"

namespace rlab::data {
namespace {

TEST(ArithmeticTask, DemonstrationsAreExactAnswers) {
  const auto task = MakeTextTask("arithmetic(digits=2, ops=+-*)");
  Rng rng(1);
  for (int i = 0; i < 500; ++i) {
    const TaskExample e = task->Sample(rng, TaskSplit::kTrain);
    EXPECT_EQ(task->GoldReward(e.prompt, e.completion), 1.0) << e.prompt << e.completion;
    EXPECT_LE(static_cast<int64_t>(e.completion.size()), task->MaxCompletionChars());
  }
}

TEST(ArithmeticTask, GoldIsExactMatch) {
  const ArithmeticTask task({.digits = 2, .ops = "+-*"});
  EXPECT_EQ(task.GoldReward("12+35=", "47"), 1.0);
  EXPECT_EQ(task.GoldReward("12+35=", " 47 "), 1.0);
  EXPECT_EQ(task.GoldReward("12+35=", "47\n12+1=13"), 1.0);  // only the first line counts
  EXPECT_EQ(task.GoldReward("12+35=", "48"), 0.0);
  EXPECT_EQ(task.GoldReward("12+35=", "470"), 0.0);
  EXPECT_EQ(task.GoldReward("12+35=", ""), 0.0);
  EXPECT_EQ(task.GoldReward("12-35=", "-23"), 1.0);
  EXPECT_EQ(task.GoldReward("12*35=", "420"), 1.0);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("12+35", "47"); }).find("not of the form"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("x+35=", "47"); }).find("not of the form"),
            std::string::npos);
}

TEST(ArithmeticTask, TestSplitIsDisjointAndAboutItsShare) {
  const ArithmeticTask task({.digits = 2, .ops = "+", .test_share_percent = 10});
  Rng rng(3);
  std::set<std::string> train, test;
  for (int i = 0; i < 3000; ++i) train.insert(task.Sample(rng, TaskSplit::kTrain).prompt);
  for (int i = 0; i < 300; ++i) test.insert(task.Sample(rng, TaskSplit::kTest).prompt);
  for (const std::string& p : test) EXPECT_EQ(train.count(p), 0u) << p;
  int held = 0;
  for (int a = 0; a < 100; ++a) {
    for (int b = 0; b < 100; ++b) held += task.InTestSplit(a, b, '+');
  }
  EXPECT_NEAR(held, 1000, 150);
}

TEST(ArithmeticTask, AFlawedDemonstratorAnswersOneTooHighAtItsRate) {
  const auto task = MakeTextTask("arithmetic(digits=2, demo_error_percent=30)");
  EXPECT_NE(task->Describe().find("demo_error_percent=30"), std::string::npos);
  Rng demo_rng(5), clean_rng(5);
  int wrong = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const TaskExample d = task->SampleDemonstration(demo_rng, TaskSplit::kTrain);
    const auto& arithmetic = static_cast<const ArithmeticTask&>(*task);
    const long long answer = arithmetic.Answer(d.prompt);
    if (task->GoldReward(d.prompt, d.completion) == 0.0) {
      ++wrong;
      EXPECT_EQ(d.completion, std::to_string(answer + 1)) << d.prompt;
    }
    // Sample's completion stays the exact answer that verifiable rewards compare with.
    const TaskExample s = task->Sample(clean_rng, TaskSplit::kTrain);
    EXPECT_EQ(task->GoldReward(s.prompt, s.completion), 1.0) << s.prompt << s.completion;
  }
  // Binomial(4000, 0.3): standard deviation 29.
  EXPECT_NEAR(wrong, 1200, 120);
  // Without the flaw, demonstrations are Sample's, draw for draw.
  const auto clean = MakeTextTask("arithmetic(digits=2)");
  Rng a(9), b(9);
  for (int i = 0; i < 50; ++i) {
    const TaskExample d = clean->SampleDemonstration(a, TaskSplit::kTrain);
    const TaskExample s = clean->Sample(b, TaskSplit::kTrain);
    EXPECT_EQ(d.prompt + d.completion, s.prompt + s.completion);
  }
}

TEST(ArithmeticTask, RejectsBadOptions) {
  EXPECT_NE(testing::ErrorOf([] { MakeTextTask("arithmetic(ops=/)"); }).find("unknown operator"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeTextTask("arithmetic(digits=0)"); }).find("digits"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MakeTextTask("arithmetic(demo_error_percent=101)");
            }).find("demo_error_percent must be in 0..100"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeTextTask("arithmetics"); }).find("keywords"),
            std::string::npos);
}

TEST(KeywordTask, GoldFollowsItsDefinition) {
  const KeywordTask task({});  // ideal 8 words, repeat 0.5, length 0.3, unknown 0.5, stop 1
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " fish boat wave shore."), 4.0);
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " the fish saw a boat."), 2.0);
  // Repeating a topic word earns it once and costs 0.5 per repeat.
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " fish fish fish."), 1.0 - 2 * 0.5);
  // Other topics' words earn nothing.
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " cow barn."), 0.0);
  // No full stop, an unknown word.
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " fish"), 1.0 - 1.0);
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " fish zebra."), 1.0 - 0.5);
  // Eleven distinct words: three beyond the ideal eight.
  EXPECT_DOUBLE_EQ(task.GoldReward("sea:", " fish boat wave shore the a big small red old new."),
                   4.0 - 3 * 0.3);
  EXPECT_DOUBLE_EQ(task.MaxGoldReward(), 4.0);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("moon:", " x."); }).find("no topic"),
            std::string::npos);
}

TEST(KeywordTask, DemonstrationsVaryInQuality) {
  const auto task = MakeTextTask("keywords");
  Rng rng(5);
  double lo = 1e9, hi = -1e9, mean = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    const TaskExample e = task->Sample(rng, TaskSplit::kTrain);
    const double g = task->GoldReward(e.prompt, e.completion);
    lo = std::min(lo, g);
    hi = std::max(hi, g);
    mean += g / n;
    EXPECT_LE(static_cast<int64_t>(e.completion.size()), task->MaxCompletionChars());
  }
  // Room to improve over the demonstrations in both directions: that is what preference
  // learning and RL on this task are for.
  EXPECT_LT(lo, 0.0);
  EXPECT_GE(hi, 3.0);
  EXPECT_GT(mean, 0.0);
  EXPECT_LT(mean, 2.0);
}

}  // namespace
}  // namespace rlab::data
