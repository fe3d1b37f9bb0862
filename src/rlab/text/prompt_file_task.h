// A user's prompt file (text/prompt_dataset.h) in the shape of a text task, so that the online
// trainers (rl, online-po, best-of-N) draw its prompts the way they draw a synthetic task's:
// training prompts uniformly from the training records, evaluation prompts from the held-out
// ones. A prompt file has no hidden judge: HasGoldReward() is false, GoldReward is NaN and
// pipelines log the reward sources' figures instead of gold metrics. Its records' columns are
// looked up by prompt text for the reward sources (ColumnsOf); two records with one prompt and
// different columns are refused, since a reward could not tell which applies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rlab/text/prompt_dataset.h"
#include "rlab/text/text_task.h"

namespace rlab::data {

class PromptFileTask final : public TextTask {
 public:
  // `source` names the data in Describe(); `max_completion_chars` bounds generation.
  PromptFileTask(std::vector<PromptRecord> train, std::vector<PromptRecord> held_out,
                 std::string source, int64_t max_completion_chars);
  PromptFileTask(const PromptFileTask&) = delete;  // the index points into the records
  PromptFileTask& operator=(const PromptFileTask&) = delete;

  // A record's prompt; the completion is its `answer` column, or empty without one.
  TaskExample Sample(Rng& rng, TaskSplit split) const override;
  std::string SampleResponse(std::string_view prompt, Rng& rng) const override;
  double GoldReward(std::string_view prompt, std::string_view completion) const override;
  bool HasGoldReward() const override { return false; }
  std::string MetricName() const override { return "reward"; }
  double EvalTemperature() const override { return 1.0; }
  int64_t MaxCompletionChars() const override { return max_completion_chars_; }
  std::string Describe() const override;

  const std::vector<PromptRecord>& train() const { return train_; }
  const std::vector<PromptRecord>& held_out() const { return held_out_; }
  // The columns of the record whose prompt is `prompt`; nullptr for a prompt not in the file.
  const PromptColumns* ColumnsOf(std::string_view prompt) const;

 private:
  void Index(const std::vector<PromptRecord>& records);

  std::vector<PromptRecord> train_, held_out_;
  std::string source_;
  int64_t max_completion_chars_;
  std::unordered_map<std::string_view, const PromptColumns*> by_prompt_;
};

}  // namespace rlab::data
