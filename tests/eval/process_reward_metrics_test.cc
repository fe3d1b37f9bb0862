// Step judgement on a hand-computed case: four completions, two with a wrong step (one found
// exactly, one flagged a step late) and two all right (one judged all right): step accuracy
// 8/10, error accuracy 1/2, correct accuracy 1/2, first-error F1 1/2.
#include "rlab/eval/process_reward_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlab::eval {
namespace {

TEST(ProcessRewardMetrics, FirstPredictedErrorIsTheFirstScoreBelowThreshold) {
  EXPECT_EQ(FirstPredictedError({0.9, 0.4, 0.2}), 1);
  EXPECT_EQ(FirstPredictedError({0.9, 0.6}), -1);
  EXPECT_EQ(FirstPredictedError({0.9, 0.6}, 0.7), 1);
}

TEST(ProcessRewardMetrics, HandComputedStepAccuracyAndFirstErrorF1) {
  const std::vector<std::vector<bool>> labels = {
      {true, false, false}, {true, false, false}, {true, true}, {true, true}};
  const std::vector<std::vector<double>> scores = {
      {0.9, 0.2, 0.1},  // first error found exactly: 3 of 3 steps right
      {0.9, 0.7, 0.1},  // flagged a step late: 2 of 3
      {0.8, 0.9},       // all right, judged so: 2 of 2
      {0.8, 0.3}};      // all right, judged wrong at step 1: 1 of 2
  const StepJudgementReport r = JudgeSteps(scores, labels);
  EXPECT_EQ(r.completions, 4);
  EXPECT_EQ(r.steps, 10);
  EXPECT_EQ(r.erroneous, 2);
  EXPECT_DOUBLE_EQ(r.step_accuracy, 0.8);
  EXPECT_DOUBLE_EQ(r.error_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(r.correct_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(r.first_error_f1, 0.5);
}

TEST(ProcessRewardMetrics, F1IsZeroWithoutErroneousCompletions) {
  const StepJudgementReport r = JudgeSteps({{0.9}}, {{true}});
  EXPECT_TRUE(std::isnan(r.error_accuracy));
  EXPECT_EQ(r.correct_accuracy, 1.0);
  EXPECT_EQ(r.first_error_f1, 0.0);
}

}  // namespace
}  // namespace rlab::eval
