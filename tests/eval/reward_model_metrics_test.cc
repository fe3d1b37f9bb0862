// Reward-model evaluation figures on hand-made judgements: accuracy with half credit for a
// dead heat, best-of-N, ties, per-subset accuracy with RewardBench's section weighting, the
// expected calibration error and the margin quantiles.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/eval/reward_model_metrics.h"
#include "test_support.h"

namespace rlab::eval {
namespace {

TEST(RewardModelMetrics, AccuracyBestOfNAndTies) {
  std::vector<RecordJudgement> records = {
      {{2.0}, false, ""},             // right
      {{-1.0}, false, ""},            // wrong
      {{0.0}, false, ""},             // dead heat: half
      {{1.0, 3.0, -0.5}, false, ""},  // best-of-4 lost to one rejected
      {{1.0, 0.5, 0.2}, false, ""},   // best-of-4 won
      {{0.4}, true, ""},              // tie
  };
  const RewardModelReport r = JudgeRecords(records);
  EXPECT_EQ(r.records, 6);
  EXPECT_EQ(r.ties, 1);
  EXPECT_EQ(r.comparisons, 9);
  EXPECT_DOUBLE_EQ(r.accuracy, (1 + 0 + 0.5 + 0 + 1) / 5.0);
  EXPECT_DOUBLE_EQ(r.comparison_accuracy, (1 + 0 + 0.5 + 1 + 1 + 0 + 1 + 1 + 1) / 9.0);
  EXPECT_EQ(r.best_of_n_records, 2);
  EXPECT_DOUBLE_EQ(r.best_of_n_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(r.tie_mean_abs_logit, 0.4);
  EXPECT_DOUBLE_EQ(r.non_tie_mean_abs_logit, (2 + 1 + 0 + 1 + 3 + 0.5 + 1 + 0.5 + 0.2) / 9.0);
  EXPECT_DOUBLE_EQ(r.margin_quantiles.at("p50"), 0.5);
  EXPECT_DOUBLE_EQ(r.rewardbench_score, r.accuracy);  // no subsets
  const auto json = r.ToJson();
  EXPECT_DOUBLE_EQ(json["accuracy"].get<double>(), r.accuracy);
  EXPECT_EQ(json["best_of_n_records"].get<int64_t>(), 2);
  EXPECT_NE(r.Table().find("best-of-N accuracy"), std::string::npos);
}

TEST(RewardModelMetrics, SectionsWeighEquallyAndExamplesWithinThem) {
  // Section chat: 3 of 4 right over two subsets; section safety: 0 of 1.
  std::vector<RecordJudgement> records = {
      {{1.0}, false, "chat/easy"},  {{1.0}, false, "chat/easy"}, {{1.0}, false, "chat/easy"},
      {{-1.0}, false, "chat/hard"}, {{-1.0}, false, "safety"},
  };
  const RewardModelReport r = JudgeRecords(records);
  EXPECT_DOUBLE_EQ(r.accuracy, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.subsets.at("chat/easy").first, 1.0);
  EXPECT_EQ(r.subsets.at("chat/easy").second, 3);
  EXPECT_DOUBLE_EQ(r.subsets.at("chat/hard").first, 0.0);
  EXPECT_DOUBLE_EQ(r.rewardbench_score, (0.75 + 0.0) / 2);
}

TEST(RewardModelMetrics, CalibrationErrorByConfidenceBins) {
  // Two bins over confidence: [0.5, 0.75) and [0.75, 1].
  const double l = std::log(3.0);  // P = 0.75
  std::vector<RecordJudgement> records = {
      {{l}, false, ""}, {{l}, false, ""}, {{-l}, false, ""}, {{0.0}, false, ""}};
  const RewardModelReport r = JudgeRecords(records, 2);
  // Bin of [0.5, 0.75): the dead heat, confidence 0.5, correct 0.5 -> gap 0.
  // Bin of [0.75, 1]: confidences 0.75 x3, correct 1, 1, 0 -> |2 - 2.25| = 0.25.
  EXPECT_NEAR(r.ece, 0.25 / 4, 1e-12);
  // Right every time at confidence 0.75: underconfident by 0.25.
  std::vector<RecordJudgement> underconfident = {{{l}, false, ""}, {{l}, false, ""}};
  EXPECT_NEAR(JudgeRecords(underconfident, 2).ece, 0.25, 1e-12);
  // Right 3 times of 4 at confidence 0.75: calibrated.
  std::vector<RecordJudgement> calibrated = {
      {{l}, false, ""}, {{l}, false, ""}, {{l}, false, ""}, {{-l}, false, ""}};
  EXPECT_NEAR(JudgeRecords(calibrated, 2).ece, 0.0, 1e-12);
}

TEST(RewardModelMetrics, OnlyTiesLeaveAccuracyUndefined) {
  const RewardModelReport r = JudgeRecords({{{0.1}, true, ""}});
  EXPECT_TRUE(std::isnan(r.accuracy));
  EXPECT_TRUE(r.ToJson()["accuracy"].is_null());
}

TEST(RewardModelMetrics, NanScoreIsAnErrorNamingTheRecord) {
  // A diverged model scores NaN: it has no calibration bin and no order to sort by.
  const std::vector<RecordJudgement> records = {{{1.0}, false, ""},
                                                {{0.5, std::nan("")}, false, ""}};
  const std::string e = testing::ErrorOf([&] { JudgeRecords(records); });
  EXPECT_NE(e.find("evaluation record 2 (comparison 2): the reward model scored it NaN"),
            std::string::npos)
      << e;
  EXPECT_THROW(JudgeRecords({{{std::nan("")}, true, ""}}), Error);  // ties too
}

TEST(RewardModelMetrics, InfiniteScoresAreJudgedAndBinnedAsCertain) {
  const double inf = std::numeric_limits<double>::infinity();
  const RewardModelReport r =
      JudgeRecords({{{inf}, false, ""}, {{-inf}, false, ""}, {{1.0}, false, ""}}, 10);
  EXPECT_DOUBLE_EQ(r.accuracy, 2.0 / 3.0);
  // Top bin: two certain, one right; the 1.0 alone in its bin, right at confidence sigmoid(1).
  EXPECT_NEAR(r.ece, (1.0 + (1.0 - 1.0 / (1.0 + std::exp(-1.0)))) / 3.0, 1e-12);
  // Quantiles next to an infinite margin are that infinity.
  EXPECT_EQ(r.margin_quantiles.at("p05"), -inf);
  EXPECT_EQ(r.margin_quantiles.at("p50"), 1.0);
  EXPECT_EQ(r.margin_quantiles.at("p95"), inf);
}

}  // namespace
}  // namespace rlab::eval
