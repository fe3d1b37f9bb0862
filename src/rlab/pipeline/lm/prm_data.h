// Step data for process reward models, as train-prm and eval-rm read it: completions split into
// steps with a gold label per step, from a step file in TRL's PRM layout
// (text/step_dataset.h) or drawn from a task with steps (task:chain): for each prompt, responses
// of varied quality (TextTask::SampleResponse) labelled by the task's StepTruth. Rows of one
// prompt are consecutive, so a task's draw of several completions per prompt is a best-of-N
// group.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "rlab/reward/model/process_reward_model.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::pipeline {

// One completion with its steps.
struct StepSample {
  std::string prompt, completion;
  std::vector<std::size_t> step_ends;  // StepTruth::StepEnds(completion)
  std::vector<bool> labels;            // one per step
  double outcome = 0.0;  // the task's gold reward; for a file, 1 when every step is right
  std::string where;     // "file:line" or "<task> draw N", for messages
};

struct StepRecords {
  std::string delimiter;  // the text between steps
  std::vector<StepSample> samples;
  std::size_t size() const { return samples.size(); }
  std::vector<std::vector<bool>> Labels() const;
};

// `completions_per_prompt` responses to each of `prompts` prompts of `split`, drawn with `seed`.
StepRecords DrawStepRecords(const data::TextTask& task, data::TaskSplit split, int64_t prompts,
                            int64_t completions_per_prompt, uint64_t seed);
// A step file's rows: each row's steps joined by `delimiter` (empty: TRL's "\n").
StepRecords ReadStepFile(const std::string& path, const std::string& delimiter);

// The records tokenized for a process reward model; a record longer than `max_length` tokens
// is an error naming it and the limit.
std::vector<reward::StepExample> TokenizeStepRecords(const StepRecords& records,
                                                     const models::Tokenizer& tokenizer,
                                                     int64_t max_length);

}  // namespace rlab::pipeline
