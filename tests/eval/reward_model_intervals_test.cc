// What eval-rm adds to the RewardBench figures so that they cannot mislead: percentile
// bootstrap intervals (all correct gives [1, 1]; one seed, one interval; a coin's accuracy
// gets an interval of the binomial's width), per-subset intervals, the reliability bins behind
// the ECE, "N of M" when part of the data was judged, and one predictions line per record.
#include <gtest/gtest.h>

#include <cmath>

#include "rlab/eval/bootstrap_interval.h"
#include "rlab/eval/reward_model_metrics.h"
#include "rlab/eval/reward_model_predictions.h"

namespace rlab::eval {
namespace {

RecordJudgement Judged(std::vector<double> logits, std::string subset = "",
                       std::vector<double> scores = {}) {
  RecordJudgement j;
  j.logits = std::move(logits);
  j.subset = std::move(subset);
  j.scores = std::move(scores);
  return j;
}

TEST(BootstrapMeanInterval, AllCorrectIsOneToOneAndEmptyIsUnknown) {
  const auto ci = BootstrapMeanInterval(std::vector<double>(30, 1.0), 7);
  EXPECT_EQ(ci[0], 1.0);
  EXPECT_EQ(ci[1], 1.0);
  const auto none = BootstrapMeanInterval({}, 7);
  EXPECT_TRUE(std::isnan(none[0]) && std::isnan(none[1]));
}

TEST(BootstrapMeanInterval, OneSeedOneIntervalOfTheBinomialsWidth) {
  std::vector<double> coin(400);
  for (std::size_t i = 0; i < coin.size(); ++i) coin[i] = i % 2;
  const auto a = BootstrapMeanInterval(coin, 11), b = BootstrapMeanInterval(coin, 11);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, BootstrapMeanInterval(coin, 12));
  EXPECT_LT(a[0], 0.5);
  EXPECT_GT(a[1], 0.5);
  // The normal approximation's 95% width: 2 * 1.96 * sqrt(0.25 / 400) = 0.098.
  EXPECT_NEAR(a[1] - a[0], 0.098, 0.02);
}

TEST(AccuracyIntervals, CoverAccuracyAndEachSubsetInTheSummary) {
  std::vector<RecordJudgement> records;
  for (int i = 0; i < 20; ++i) records.push_back(Judged({1.0}, "math"));
  for (int i = 0; i < 20; ++i) records.push_back(Judged({i % 2 ? 1.0 : -1.0}, "chat"));
  RewardModelReport r = JudgeRecords(records);
  AddAccuracyIntervals(r, records, 3);
  const nlohmann::json j = r.ToJson();
  ASSERT_TRUE(j.contains("accuracy_ci95"));
  EXPECT_LE(j["accuracy_ci95"][0].get<double>(), 0.75);
  EXPECT_GE(j["accuracy_ci95"][1].get<double>(), 0.75);
  EXPECT_EQ(j["subsets"]["math"]["accuracy_ci95"], nlohmann::json::array({1.0, 1.0}));
  EXPECT_LT(j["subsets"]["chat"]["accuracy_ci95"][0].get<double>(), 0.5);
  EXPECT_NE(r.Table().find("95% CI"), std::string::npos) << r.Table();
}

TEST(ReliabilityBins, AreTheEceBins) {
  // Confidences sigmoid(0.1) ~ 0.52 (bin 0) and sigmoid(3) ~ 0.95 (bin 9).
  const std::vector<RecordJudgement> records = {Judged({0.1}), Judged({-0.1}), Judged({3.0}),
                                                Judged({3.0}), Judged({-3.0})};
  const RewardModelReport r = JudgeRecords(records);
  ASSERT_EQ(r.reliability.size(), 2u);
  EXPECT_EQ(r.reliability[0].count, 2);
  EXPECT_DOUBLE_EQ(r.reliability[0].accuracy, 0.5);
  EXPECT_EQ(r.reliability[1].count, 3);
  EXPECT_NEAR(r.reliability[1].accuracy, 2.0 / 3, 1e-12);
  double ece = 0;
  for (const auto& b : r.reliability) ece += b.count * std::abs(b.accuracy - b.confidence) / 5;
  EXPECT_NEAR(r.ece, ece, 1e-12);
  EXPECT_EQ(r.ToJson()["reliability"].size(), 2u);
}

TEST(PartialEvaluation, OpensTheTableAndQualifiesTheAccuracy) {
  RewardModelReport r = JudgeRecords({Judged({1.0}), Judged({-1.0}), Judged({2.0}), Judged({1.0})});
  r.records_read = 200;
  r.not_evaluated_reason = "truncation=drop: 196 of 200 records longer than max_length 256";
  const std::string table = r.Table();
  EXPECT_EQ(table.find("  evaluated"), 0u) << table;
  EXPECT_NE(table.find("4 of 200 records: truncation=drop"), std::string::npos) << table;
  EXPECT_NE(table.find("75.00% on 4 of 200 records only"), std::string::npos) << table;
  const nlohmann::json j = r.ToJson();
  EXPECT_EQ(j["records"], 200);
  EXPECT_EQ(j["evaluated"], 4);
  EXPECT_EQ(j["not_evaluated_reason"], r.not_evaluated_reason);
}

TEST(PredictionLine, HoldsTheRecordsScoresMarginAndVerdict) {
  const auto pair = PredictionLine(Judged({-0.5}, "chat", {1.0, 1.5}), 7, true, "f.jsonl:8");
  EXPECT_EQ(pair.dump(), R"({"index":7,"subset":"chat","chosen_score":1.0,"rejected_score":1.5,)"
                         R"("margin":-0.5,"correct":false,"truncated":true,"where":"f.jsonl:8"})");
  RecordJudgement bon = Judged({2.0, 0.5}, "", {3.0, 1.0, 2.5});
  const auto best_of_n = PredictionLine(bon, 0, false, "f.jsonl:1");
  EXPECT_EQ(best_of_n["rejected_score"], 2.5);
  EXPECT_EQ(best_of_n["margin"], 0.5);
  EXPECT_EQ(best_of_n["correct"], true);
  EXPECT_EQ(best_of_n["rejected_scores"], nlohmann::json::array({1.0, 2.5}));
  RecordJudgement tie = Judged({0.2});
  tie.tie = true;
  const auto tied = PredictionLine(tie, 1, false, "f.jsonl:2");
  EXPECT_TRUE(tied["correct"].is_null());
  EXPECT_TRUE(tied["chosen_score"].is_null());  // no scores: an objective without a reward
  EXPECT_EQ(tied["tie"], true);
}

}  // namespace
}  // namespace rlab::eval
