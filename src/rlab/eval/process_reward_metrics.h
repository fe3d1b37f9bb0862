// How a process reward model judges completions with gold step labels:
//   step_accuracy         steps whose predicted label (P(still right) >= threshold) is the
//                         gold one, over all steps
//   first-error figures   ProcessBench's (Zheng et al., "ProcessBench: Identifying Process
//                         Errors in Mathematical Reasoning", arXiv:2412.06559): the predicted
//                         first error is the first step predicted wrong (-1: none);
//                         error_accuracy is the share of erroneous completions whose first
//                         error is found exactly, correct_accuracy the share of all-right ones
//                         predicted all right, and first_error_f1 their harmonic mean.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace rlab::eval {

struct StepJudgementReport {
  int64_t completions = 0, steps = 0;
  int64_t erroneous = 0;  // completions with a wrong step
  double step_accuracy = 0.0;
  double error_accuracy = 0.0;    // NaN without erroneous completions
  double correct_accuracy = 0.0;  // NaN without all-right completions
  double first_error_f1 = 0.0;    // 0 when either accuracy is 0 or undefined
  nlohmann::json ToJson() const;
  std::string Table() const;
};

// The first index whose score is below `threshold` (-1: none).
int FirstPredictedError(const std::vector<double>& step_scores, double threshold = 0.5);

// `step_scores[i]` and `labels[i]`: completion i's per-step P(still right) and gold labels.
StepJudgementReport JudgeSteps(const std::vector<std::vector<double>>& step_scores,
                               const std::vector<std::vector<bool>>& labels,
                               double threshold = 0.5);

}  // namespace rlab::eval
