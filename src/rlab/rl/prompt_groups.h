// The rollout step that online trainers of language models share (rl's group-based policy
// gradient, prefopt's online preference optimisation): draw a step's prompts from a task's
// train split, sample a group of completions of each, and decode them. Prompts and samples come
// from generators seeded by the seed, the step and a stream name, so a step's batch does not
// depend on the steps before it, and two samplers given the same step see the same prompts.
#pragma once

#include <ATen/core/Generator.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rlab/models/generation/generate.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::rl {

// P prompts times G completions, rows grouped by prompt: row p * G + g.
struct PromptGroups {
  models::GenerationOutput out;
  std::vector<std::string> prompts, completions;    // [P * G]
  std::vector<std::optional<std::string>> answers;  // [P * G] the task's reference answers
  int64_t tokens = 0;                               // generated tokens
};

// Samples completions of the token-id prompts with the generator (Generate with a model, or
// another sampler such as a mixture of two models).
using GroupSampler = std::function<models::GenerationOutput(
    const std::vector<std::vector<int64_t>>& prompt_ids, at::Generator& generator)>;

struct PromptGroupDraw {
  const data::TextTask* task = nullptr;
  const models::Tokenizer* tokenizer = nullptr;
  int64_t prompts_per_step = 1;
  uint64_t seed = 0;
};

// The step's prompts (from the stream "rollout-prompts-<step>") with `group` completions each,
// sampled with the generator of the stream "<sample_stream>-<step>".
PromptGroups DrawPromptGroups(const PromptGroupDraw& draw, int64_t step, int64_t group,
                              const GroupSampler& sample,
                              const std::string& sample_stream = "rollout");

// How the online trainers of language models sample (rl, online-po): keys each trainer's
// options inline, so they are declared and checked here once.
struct RolloutSampling {
  double temperature = 1.0;
  int64_t max_new_tokens = 0;  // 0: the task's longest completion + 1

  template <class V>
  void Fields(V& v) {
    v("temperature", temperature, "sampling temperature of the samples (> 0; re-scored at it)");
    v("max_new_tokens", max_new_tokens, "completion limit (0 = the task's longest + 1)");
  }
  void Validate() const;
  // The task's generation options `task_defaults` at `temperature`, with `max_new_tokens` where
  // it is > 0 (0 keeps the task's limit).
  models::GenerationOptions Generation(models::GenerationOptions task_defaults) const;
};

// A GroupSampler that runs Generate on `model` with `options`.
GroupSampler ModelSampler(models::Transformer model, models::GenerationOptions options);

}  // namespace rlab::rl
