#include "rlab/eval/process_reward_metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::eval {

namespace {

int FirstWrong(const std::vector<bool>& labels) {
  const auto it = std::find(labels.begin(), labels.end(), false);
  return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
}

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : std::nan("");
}

}  // namespace

int FirstPredictedError(const std::vector<double>& step_scores, double threshold) {
  for (std::size_t k = 0; k < step_scores.size(); ++k) {
    if (step_scores[k] < threshold) return static_cast<int>(k);
  }
  return -1;
}

StepJudgementReport JudgeSteps(const std::vector<std::vector<double>>& step_scores,
                               const std::vector<std::vector<bool>>& labels, double threshold) {
  RLAB_CHECK(step_scores.size() == labels.size(), "step judgement: {} scored and {} labelled",
             step_scores.size(), labels.size());
  StepJudgementReport r;
  int64_t right_steps = 0, found_errors = 0, right_clean = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    RLAB_CHECK(step_scores[i].size() == labels[i].size(),
               "step judgement: completion {} has {} scores for {} labels", i,
               step_scores[i].size(), labels[i].size());
    for (std::size_t k = 0; k < labels[i].size(); ++k) {
      right_steps += (step_scores[i][k] >= threshold) == labels[i][k];
    }
    r.steps += static_cast<int64_t>(labels[i].size());
    const int gold = FirstWrong(labels[i]);
    const int predicted = FirstPredictedError(step_scores[i], threshold);
    if (gold >= 0) {
      ++r.erroneous;
      found_errors += predicted == gold;
    } else {
      right_clean += predicted == -1;
    }
  }
  r.completions = static_cast<int64_t>(labels.size());
  r.step_accuracy = Share(right_steps, r.steps);
  r.error_accuracy = Share(found_errors, r.erroneous);
  r.correct_accuracy = Share(right_clean, r.completions - r.erroneous);
  const double a = r.error_accuracy, b = r.correct_accuracy;
  r.first_error_f1 = (std::isfinite(a) && std::isfinite(b) && a + b > 0) ? 2 * a * b / (a + b) : 0;
  return r;
}

nlohmann::json StepJudgementReport::ToJson() const {
  return {{"completions", completions},       {"steps", steps},
          {"erroneous", erroneous},           {"step_accuracy", step_accuracy},
          {"error_accuracy", error_accuracy}, {"correct_accuracy", correct_accuracy},
          {"first_error_f1", first_error_f1}};
}

std::string StepJudgementReport::Table() const {
  return fmt::format("  completions       {} ({} with a wrong step), {} steps\n"
                     "  step_accuracy     {:.4f}\n"
                     "  error_accuracy    {:.4f}  (first error found exactly)\n"
                     "  correct_accuracy  {:.4f}  (all-right completions judged all right)\n"
                     "  first_error_f1    {:.4f}\n",
                     completions, erroneous, steps, step_accuracy, error_accuracy, correct_accuracy,
                     first_error_f1);
}

}  // namespace rlab::eval
