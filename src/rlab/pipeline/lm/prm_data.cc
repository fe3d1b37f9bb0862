#include "rlab/pipeline/lm/prm_data.h"

#include <fmt/format.h>

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/text/step_dataset.h"
#include "rlab/text/step_truth.h"

namespace rlab::pipeline {

std::vector<std::vector<bool>> StepRecords::Labels() const {
  std::vector<std::vector<bool>> labels;
  labels.reserve(samples.size());
  for (const StepSample& s : samples) labels.push_back(s.labels);
  return labels;
}

StepRecords DrawStepRecords(const data::TextTask& task, data::TaskSplit split, int64_t prompts,
                            int64_t completions_per_prompt, uint64_t seed) {
  const data::StepTruth* steps = task.Steps();
  RLAB_CHECK(steps != nullptr, "{} has no steps; step data needs a task with steps (task:chain)",
             task.Describe());
  RLAB_CHECK(prompts >= 1 && completions_per_prompt >= 1,
             "step data: draw at least one prompt and one completion per prompt");
  Rng rng(seed);
  StepRecords r;
  r.delimiter = steps->Delimiter();
  for (int64_t p = 0; p < prompts; ++p) {
    const std::string prompt = task.Sample(rng, split).prompt;
    for (int64_t k = 0; k < completions_per_prompt; ++k) {
      StepSample& s = r.samples.emplace_back();
      s.prompt = prompt;
      s.completion = task.SampleResponse(prompt, rng);
      s.step_ends = steps->StepEnds(s.completion);
      s.labels = steps->StepLabels(prompt, s.completion);
      s.outcome = task.GoldReward(prompt, s.completion);
      s.where = fmt::format("{} draw {}", task.Describe(), r.samples.size());
    }
  }
  return r;
}

std::vector<reward::StepExample> TokenizeStepRecords(const StepRecords& records,
                                                     const models::Tokenizer& tokenizer,
                                                     int64_t max_length) {
  std::vector<reward::StepExample> out;
  out.reserve(records.size());
  for (const StepSample& s : records.samples) {
    out.push_back(
        reward::TokenizeSteps(tokenizer, s.prompt, s.completion, s.step_ends, s.labels, s.where));
    RLAB_CHECK(static_cast<int64_t>(out.back().ids.size()) <= max_length,
               "{}: {} tokens, more than max_length {}; raise max_length", s.where,
               out.back().ids.size(), max_length);
  }
  return out;
}

StepRecords ReadStepFile(const std::string& path, const std::string& delimiter) {
  StepRecords r;
  r.delimiter = delimiter.empty() ? "\n" : delimiter;
  for (data::StepRecord& record : data::ReadStepRecords(path, r.delimiter)) {
    StepSample& s = r.samples.emplace_back();
    s.prompt = std::move(record.prompt);
    for (std::size_t k = 0; k < record.steps.size(); ++k) {
      if (k > 0) s.completion += r.delimiter;
      s.completion += record.steps[k];
      s.step_ends.push_back(s.completion.size());
    }
    s.labels = std::move(record.labels);
    // A file has no gold answer: its outcome is whether every step is right.
    s.outcome = std::find(s.labels.begin(), s.labels.end(), false) == s.labels.end() ? 1.0 : 0.0;
    s.where = std::move(record.where);
  }
  RLAB_CHECK(!r.samples.empty(), "{}: no step records", path);
  return r;
}

}  // namespace rlab::pipeline
