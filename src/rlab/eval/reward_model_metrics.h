// How a reward model judges held-out preference records, the figures RewardBench reports
// (Lambert et al., "RewardBench: Evaluating Reward Models for Language Modeling",
// arXiv:2403.13787; Malik et al., "RewardBench 2", arXiv:2506.01937) plus calibration:
//   accuracy            non-tie records whose chosen response beats every rejected one (for a
//                       pair: chosen above rejected; for one chosen and N rejected: best-of-N)
//   comparison_accuracy every single chosen-over-rejected comparison
//   best_of_n_accuracy  records with several rejected responses only
//   per subset          accuracy per `subset`; RewardBench's score weights examples equally
//                       within a section (the subset's text before '/') and sections equally
//   ece                 expected calibration error of P = sigmoid(logit) over comparisons, in
//                       equal-width bins of confidence max(P, 1 - P) (Guo et al., "On
//                       Calibration of Modern Neural Networks", arXiv:1706.04599); the bins
//                       themselves are the reliability diagram
//   accuracy_ci95       percentile bootstrap interval of accuracy and of each subset's
//                       accuracy (bootstrap_interval.h), when AddAccuracyIntervals is called
//   margins             quantiles of the chosen-minus-rejected logits
//   ties                count, and mean |logit| on tie records next to non-tie ones (a model
//                       that sees the tied responses as equal puts them near 0)
// An exact 0 logit counts as half right.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rlab::eval {

struct RecordJudgement {
  std::vector<double> logits;  // logit of P(chosen > rejected_k), one per rejected response
  bool tie = false;
  std::string subset;          // empty: no subset
  std::vector<double> scores;  // each response's scalar reward; empty where the model has none
};

// The credit of a non-tie record: 1 when the chosen response beats every rejected one, 1/2
// when the worst comparison is a dead heat (logit 0), else 0.
double RecordCredit(const RecordJudgement& record);

// One bin of the reliability diagram: the comparisons whose confidence max(P, 1 - P) falls in
// it, their mean confidence (the predicted probability that the side the model prefers is the
// chosen one) and the fraction of them where it is.
struct ReliabilityBin {
  double confidence = 0, accuracy = 0;
  int64_t count = 0;
};

struct RewardModelReport {
  int64_t records = 0, comparisons = 0, ties = 0, best_of_n_records = 0;
  // Set by a caller that read more records than it judged: the records read, and why the
  // others were not judged. Then ToJson writes "records" (read) and "evaluated" (judged), and
  // the table opens with "evaluated N of M records" and the long_records row.
  int64_t records_read = -1;
  std::string not_evaluated_reason;
  std::string long_records;  // what happened to records too long for the model, in words
  double accuracy = 0, comparison_accuracy = 0, best_of_n_accuracy = 0;
  double ece = 0;
  double tie_mean_abs_logit = 0, non_tie_mean_abs_logit = 0;
  std::map<std::string, double> margin_quantiles;             // "p05" ... "p95", plus "mean"
  std::map<std::string, std::pair<double, int64_t>> subsets;  // accuracy, records
  double rewardbench_score = 0;  // sections weighted equally (= accuracy without subsets)
  std::vector<ReliabilityBin> reliability;  // the non-empty ECE bins, by confidence
  std::optional<std::array<double, 2>> accuracy_ci95;
  std::map<std::string, std::array<double, 2>> subset_accuracy_ci95;
  nlohmann::json ToJson() const;
  std::string Table() const;  // for the terminal
};

RewardModelReport JudgeRecords(const std::vector<RecordJudgement>& records, int ece_bins = 10);

// Bootstrap 95% intervals of the accuracy and of each subset's accuracy over the non-tie
// `records` JudgeRecords judged; each subset resamples its own records, from its own stream of
// `seed`.
void AddAccuracyIntervals(RewardModelReport& report, const std::vector<RecordJudgement>& records,
                          uint64_t seed);

}  // namespace rlab::eval
