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
//                       Calibration of Modern Neural Networks", arXiv:1706.04599)
//   margins             quantiles of the chosen-minus-rejected logits
//   ties                count, and mean |logit| on tie records next to non-tie ones (a model
//                       that sees the tied responses as equal puts them near 0)
// An exact 0 logit counts as half right.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlab::eval {

struct RecordJudgement {
  std::vector<double> logits;  // logit of P(chosen > rejected_k), one per rejected response
  bool tie = false;
  std::string subset;  // empty: no subset
};

struct RewardModelReport {
  int64_t records = 0, comparisons = 0, ties = 0, best_of_n_records = 0;
  double accuracy = 0, comparison_accuracy = 0, best_of_n_accuracy = 0;
  double ece = 0;
  double tie_mean_abs_logit = 0, non_tie_mean_abs_logit = 0;
  std::map<std::string, double> margin_quantiles;             // "p05" ... "p95", plus "mean"
  std::map<std::string, std::pair<double, int64_t>> subsets;  // accuracy, records
  double rewardbench_score = 0;  // sections weighted equally (= accuracy without subsets)
  nlohmann::json ToJson() const;
  std::string Table() const;  // for the terminal
};

RewardModelReport JudgeRecords(const std::vector<RecordJudgement>& records, int ece_bins = 10);

}  // namespace rlab::eval
