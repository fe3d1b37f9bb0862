// Scores a language model on a synthetic text task: completions are generated for the task's
// prompts (greedy unless the options say otherwise) and scored by the task's gold reward;
// optionally with the KL to a reference model measured on those samples, and against another
// model's samples as a gold win rate (by the task's gold preference). On a task whose judge is
// a game over response types (TextTask::Game), also the policy's mix of types, its
// exploitability and its distance to the game's Nash mix (eval/response_game_eval.h).
#pragma once

#include <ATen/core/Generator.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlab/eval/response_game_eval.h"
#include "rlab/text/text_task.h"
#include "rlab/models/generation/generate.h"
#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::eval {

struct TaskEvalResult {
  std::vector<std::string> prompts;
  std::vector<std::string> completions;  // decoded, special tokens skipped
  std::vector<double> gold;              // the task's gold reward of each completion
  double mean_gold = 0.0;
  double mean_completion_tokens = 0.0;
  // With a KL reference: per completion, sum over its tokens of log pi - log ref (pi at
  // temperature 1), and their mean, the Monte-Carlo estimate of KL(pi || ref) per sequence
  // when the samples are drawn at temperature 1. NaN without a reference.
  std::vector<double> kl;
  double mean_kl = std::nan("");
  // On a task with a game: the samples' types, pooled over prompts (the game's prompts are
  // exchangeable: the judge ignores them), and what follows from them.
  std::optional<GameReport> game;
  // The task that scored the completions (not owned), whose gold preference GoldWinRate asks.
  const data::TextTask* task = nullptr;
};

// Generation options for a task: at most the task's longest completion (in bytes, an upper
// bound on tokens) plus one, stopping at EOS, padding with PAD (else EOS, else 0), at the
// task's evaluation temperature.
models::GenerationOptions TaskGenerationOptions(const data::TextTask& task,
                                                const models::Tokenizer& tokenizer);

// Prompts are encoded with BOS when the tokenizer has one, and generated `batch_size` at a time.
// `kl_reference`, when given, re-scores every sample for the KL fields.
TaskEvalResult EvaluateOnTask(models::Transformer& model, const models::Tokenizer& tokenizer,
                              const data::TextTask& task, const std::vector<std::string>& prompts,
                              const models::GenerationOptions& options, int64_t batch_size,
                              at::Generator& generator,
                              models::Transformer* kl_reference = nullptr);

// The mean over prompts of the task's gold preference P(candidate's completion > baseline's)
// for the same prompt: for a task whose preference follows its gold reward, the share of
// prompts where the candidate's is higher, ties counting one half (both results over one prompt
// list, scored by the same task, which must still exist).
double GoldWinRate(const TaskEvalResult& candidate, const TaskEvalResult& baseline);

}  // namespace rlab::eval
