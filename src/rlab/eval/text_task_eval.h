// Scores a language model on a synthetic text task: completions are generated for the task's
// prompts (greedy unless the options say otherwise) and scored by the task's gold reward.
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/data/text/text_task.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/tokenizer/tokenizer.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::eval {

struct TaskEvalResult {
  std::vector<std::string> prompts;
  std::vector<std::string> completions;  // decoded, special tokens skipped
  std::vector<double> gold;              // the task's gold reward of each completion
  double mean_gold = 0.0;
  double mean_completion_tokens = 0.0;
};

// Generation options for a task: at most the task's longest completion (in bytes, an upper
// bound on tokens) plus one, stopping at EOS, padding with PAD (else EOS, else 0), at the
// task's evaluation temperature.
models::GenerationOptions TaskGenerationOptions(const data::TextTask& task,
                                                const models::Tokenizer& tokenizer);

// Prompts are encoded with BOS when the tokenizer has one, and generated `batch_size` at a time.
TaskEvalResult EvaluateOnTask(models::Transformer& model, const models::Tokenizer& tokenizer,
                              const data::TextTask& task, const std::vector<std::string>& prompts,
                              const models::GenerationOptions& options, int64_t batch_size,
                              at::Generator& generator);

}  // namespace rlab::eval
