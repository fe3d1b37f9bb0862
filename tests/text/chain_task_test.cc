// The chained-arithmetic task: its solutions are right step by step, the gold final answer and
// the gold step labels of hand-written chains are what their definitions give, a flawed
// demonstrator errs at its per-step rate and carries its errors on, and the test split is held
// out.
#include <gtest/gtest.h>

#include <set>

#include "rlab/text/chain_task.h"
#include "test_support.h"

namespace rlab::data {
namespace {

using Labels = std::vector<bool>;

TEST(ChainTask, SolutionsAreRightAtEveryStepAndFitTheLengthLimit) {
  const auto task = MakeTextTask("chain(steps=4, digits=2, ops=+-*)");
  const StepTruth* steps = task->Steps();
  ASSERT_NE(steps, nullptr);
  Rng rng(1);
  for (int i = 0; i < 500; ++i) {
    const TaskExample e = task->Sample(rng, TaskSplit::kTrain);
    EXPECT_EQ(task->GoldReward(e.prompt, e.completion), 1.0) << e.prompt << e.completion;
    EXPECT_EQ(steps->StepLabels(e.prompt, e.completion), Labels(4, true)) << e.completion;
    EXPECT_EQ(steps->FirstError(e.prompt, e.completion), -1);
    for (const std::string& step : steps->SplitSteps(e.completion)) {
      EXPECT_TRUE(steps->WellFormed(step)) << step;
    }
    EXPECT_LE(static_cast<int64_t>(e.completion.size()), task->MaxCompletionChars());
  }
}

TEST(ChainTask, GoldAndStepLabelsOfHandWrittenChains) {
  const ChainTask task({.steps = 3, .digits = 2, .ops = "+-*"});
  const std::string prompt = "12+7*3-9=";
  const auto check = [&](const std::string& completion, double gold, const Labels& labels,
                         int first_error) {
    EXPECT_EQ(task.GoldReward(prompt, completion), gold) << completion;
    EXPECT_EQ(task.StepLabels(prompt, completion), labels) << completion;
    EXPECT_EQ(task.FirstError(prompt, completion), first_error) << completion;
  };
  check("12+7=19;19*3=57;57-9=48", 1.0, {true, true, true}, -1);
  check("12 + 7 = 19; 19*3=57; 57-9=48 ", 1.0, {true, true, true}, -1);  // spaces are ignored
  check("12+7=19;19*3=57;57-9=48;", 1.0, {true, true, true}, -1);        // a trailing delimiter
  check("12+7=19;19*3=57;57-9=48\n1+1=2", 1.0, {true, true, true}, -1);  // the first line only
  // A wrong step, the next carrying its value on: wrong from the first error on.
  check("12+7=19;19*3=56;56-9=47", 0.0, {true, false, false}, 1);
  check("12+7=20;20*3=60;60-9=51", 0.0, {false, false, false}, 0);
  // Stopping early is right as far as it goes; the final answer is missing.
  check("12+7=19;19*3=57", 0.0, {true, true}, -1);
  // Padding after the last operation, and answering without the steps.
  check("12+7=19;19*3=57;57-9=48;48+0=48", 1.0, {true, true, true, false}, 3);
  check("48", 1.0, {false}, 0);
  check("12+7=19;;19*3=57;57-9=48", 1.0, {true, false, false, false}, 1);  // an empty step
  check("", 0.0, {}, -1);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("12+7", "19"); }).find("is not of the form"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("12/7=", "1"); }).find("is not of the form"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { task.GoldReward("12=", "12"); }).find("is not of the form"),
            std::string::npos);
}

TEST(ChainTask, StepsSplitOnTheDelimiterAndEndWhereTheirTextEnds) {
  const ChainTask task(ChainOptions{});
  EXPECT_EQ(task.Delimiter(), ";");
  const std::string completion = "12+7=19; 19*3=57; \nrest";
  EXPECT_EQ(task.SplitSteps(completion), (std::vector<std::string>{"12+7=19", " 19*3=57"}));
  EXPECT_EQ(task.StepEnds(completion), (std::vector<std::size_t>{7, 16}));
  EXPECT_EQ(task.SplitSteps("a;;b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(task.StepEnds("a;;b"), (std::vector<std::size_t>{1, 2, 4}));
  EXPECT_TRUE(task.SplitSteps(" ").empty());
}

TEST(ChainTask, WellFormedStepsHaveTheShapeOfAnOperationWhateverTheirValues) {
  const ChainTask task(ChainOptions{});
  EXPECT_TRUE(task.WellFormed("12+7=20"));
  EXPECT_TRUE(task.WellFormed(" -3 * 4 = -12 "));
  EXPECT_TRUE(task.WellFormed("5-9=-4"));
  EXPECT_FALSE(task.WellFormed("12+7"));
  EXPECT_FALSE(task.WellFormed("12+7="));
  EXPECT_FALSE(task.WellFormed("12+7=19=19"));
  EXPECT_FALSE(task.WellFormed("48"));
  EXPECT_FALSE(task.WellFormed("ab+c=d"));
  EXPECT_FALSE(task.WellFormed(""));
}

TEST(ChainTask, AFlawedDemonstratorErrsAtItsStepRateAndCarriesTheErrorOn) {
  const auto task = MakeTextTask("chain(steps=3, digits=2, demo_step_error_percent=20)");
  EXPECT_NE(task->Describe().find("demo_step_error_percent=20"), std::string::npos);
  const auto& chain = static_cast<const ChainTask&>(*task);
  Rng rng(5);
  int all_right = 0, wrong_steps = 0;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    const TaskExample d = task->SampleDemonstration(rng, TaskSplit::kTrain);
    all_right += task->Steps()->FirstError(d.prompt, d.completion) == -1;
    const ChainProblem problem = chain.Parse(d.prompt);
    const std::vector<std::string> steps = task->Steps()->SplitSteps(d.completion);
    ASSERT_EQ(steps.size(), 3u);
    long long carried = problem.first;  // each step starts from the result written before it
    for (std::size_t k = 0; k < steps.size(); ++k) {
      EXPECT_TRUE(task->Steps()->WellFormed(steps[k]));
      EXPECT_EQ(steps[k].substr(0, steps[k].find(problem.ops[k], 1)), std::to_string(carried));
      const long long result = std::stoll(steps[k].substr(steps[k].find('=') + 1));
      const long long offset =
          result - ChainTask::Values({carried, {problem.ops[k]}, {problem.operands[k]}}).back();
      EXPECT_LE(std::abs(offset), 3);
      wrong_steps += offset != 0;
      carried = result;
    }
    EXPECT_LE(static_cast<int64_t>(d.completion.size()), task->MaxCompletionChars());
  }
  // Binomial(9000, 0.2): standard deviation 38; all three right: 0.8^3 = 0.512 of 3000.
  EXPECT_NEAR(wrong_steps, 1800, 150);
  EXPECT_NEAR(all_right, 1536, 100);
  // Without the flaw, demonstrations are Sample's, draw for draw.
  const auto clean = MakeTextTask("chain(steps=3)");
  Rng a(9), b(9);
  for (int i = 0; i < 50; ++i) {
    const TaskExample d = clean->SampleDemonstration(a, TaskSplit::kTrain);
    const TaskExample s = clean->Sample(b, TaskSplit::kTrain);
    EXPECT_EQ(d.prompt + d.completion, s.prompt + s.completion);
  }
}

TEST(ChainTask, ResponsesMixRightAndWrongChainsWithEveryFirstErrorPosition) {
  const auto task = MakeTextTask("chain(steps=3, digits=1)");
  Rng rng(7);
  std::vector<int> first_errors(4, 0);  // -1, 0, 1, 2
  for (int i = 0; i < 2000; ++i) {
    const TaskExample e = task->Sample(rng, TaskSplit::kTrain);
    const std::string response = task->SampleResponse(e.prompt, rng);
    ++first_errors[task->Steps()->FirstError(e.prompt, response) + 1];
  }
  EXPECT_NEAR(first_errors[0], 1000, 100);
  for (int k = 1; k <= 3; ++k) EXPECT_NEAR(first_errors[k], 333, 70) << k - 1;
}

TEST(ChainTask, TestSplitIsDisjointFromTraining) {
  const ChainTask task({.steps = 2, .digits = 1, .ops = "+-"});
  Rng rng(3);
  std::set<std::string> train, test;
  for (int i = 0; i < 4000; ++i) train.insert(task.Sample(rng, TaskSplit::kTrain).prompt);
  for (int i = 0; i < 400; ++i) test.insert(task.Sample(rng, TaskSplit::kTest).prompt);
  for (const std::string& p : test) EXPECT_EQ(train.count(p), 0u) << p;
  // 10 * 2 * 10 * 2 * 10 = 4000 problems, about 10% of them held out.
  int held = 0;
  for (int a = 0; a < 10; ++a) {
    for (int b = 0; b < 10; ++b) {
      for (int c = 0; c < 10; ++c) {
        for (char op1 : {'+', '-'}) {
          for (char op2 : {'+', '-'}) held += task.InTestSplit({a, {op1, op2}, {b, c}});
        }
      }
    }
  }
  EXPECT_NEAR(held, 400, 80);
}

TEST(ChainTask, BadOptionsNameTheKeyAndTheFix) {
  EXPECT_NE(testing::ErrorOf([] { MakeTextTask("chain(steps=0)"); }).find("steps must be"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeTextTask("chain(ops=/)"); }).find("unknown operator"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MakeTextTask("chain(steps=10, digits=4, ops=*)");
            }).find("use fewer steps or digits"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              MakeTextTask("chain(demo_step_error_percent=101)");
            }).find("demo_step_error_percent must be"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::data
