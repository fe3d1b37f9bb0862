// Where the online trainers of language models (rl, best-of-N, online-po) take their prompts
// from: `data` is task:SPEC (a synthetic task: train split for rollouts, test split for
// evaluation, a gold reward) or a prompt file in TRL's prompt-only layouts
// (text/prompt_dataset.h). A file's held-out prompts are `eval_data`, or else `eval_fraction`
// of its records split off deterministically by the seed, as dpo and train-rm split theirs;
// its conversational prompts are rendered with `chat_template`. A file has no gold reward: the
// pipelines log the reward sources' figures and say so in the summary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/pipeline/lm/sample_log.h"
#include "rlab/text/prompt_dataset.h"
#include "rlab/text/prompt_file_task.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::pipeline {

// What a run on a prompt file writes in its summary's "gold".
inline constexpr std::string_view kNoGoldReward =
    "none: a prompt file has no gold reward; the figures are the reward sources' own";

// The keys of a prompt file; they sit at the top level of the pipeline's config.
struct PromptFileOptions {
  std::string eval_data;  // empty: eval_fraction of the data file
  double eval_fraction = 0.1;
  std::string chat_template = "auto";

  template <class V>
  void Fields(V& v) {
    v("eval_data", eval_data, "held-out prompt file (empty: eval_fraction of a data file)");
    v("eval_fraction", eval_fraction, "share of a prompt file held out when eval_data is empty");
    v("chat_template", chat_template,
      "chatml, llama3, plain, or auto (from the tokenizer) for conversational prompts");
  }
  // `data` is the pipeline's data key: task:SPEC or a .jsonl/.json prompt file.
  void Validate(const std::string& data) const;
};

// The prompts of `data` as a task: the synthetic task of task:SPEC, or a PromptFileTask of the
// file, whose completions are limited to `max_new_tokens` (0: its longest `answer` column when
// every record has one, else 128 bytes).
std::unique_ptr<data::TextTask> OpenPromptSource(const std::string& data,
                                                 const PromptFileOptions& options,
                                                 const models::Tokenizer& tokenizer,
                                                 int64_t max_new_tokens, uint64_t seed);

// The held-out prompts an evaluation scores, with their reference answers.
struct HeldOutPrompts {
  std::vector<std::string> prompts;
  std::vector<std::optional<std::string>> answers;  // a task's, or a file's `answer` column
};

// `n` prompts of a task's test split (drawn from the seed's "eval-prompts" stream), or a prompt
// file's first `n` held-out records.
HeldOutPrompts DrawHeldOutPrompts(const data::TextTask& task, int64_t n, uint64_t seed);

// The first samples of an evaluation of `task` for samples.jsonl, with their gold rewards on a
// task that has them (none on a prompt file).
std::vector<Sample> EvaluationSamples(const eval::TaskEvalResult& result,
                                      const data::TextTask& task);

// The prompt file behind `task`, or nullptr for a synthetic task.
const data::PromptFileTask* AsPromptFile(const data::TextTask& task);

// The record columns of `task`'s prompts for rule rewards; empty for a synthetic task. `task`
// must outlive the lookup.
data::PromptColumnLookup PromptColumnsOf(const data::TextTask& task);

// The run's reward specs with "task" bound to the task of task:SPEC; refused for a prompt file,
// which has no task reward, with the sources it can use.
std::vector<std::string> BindTaskReward(std::vector<std::string> specs, const std::string& data);

}  // namespace rlab::pipeline
