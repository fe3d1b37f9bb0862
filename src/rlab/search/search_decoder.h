// Decoding with a search or a value on top of a frozen policy: what a policy answers when,
// instead of one sample, it may spend more generated tokens guided by a step scorer (a process
// reward source, reward/signal/process_reward_source.h) or by a value learned from its own
// samples. Entries, as specs, one file each under search/decoders/ with its paper:
//   sample            one completion at the sampling temperature: the baseline
//   best_of_n(n, ..)  n completions, the one whose weakest step scores highest (PRM best-of-N)
//   rest_mcts(..)     ReST-MCTS*: tree search over steps guided by the step scorer
//   vas(beta, ..)     Value Augmented Sampling: tokens from pi_base * exp(beta Q) with Q learned
//                     from the policy's own samples
// Every decoder reports what it spent (policy tokens generated, completions scored), so that
// decoders are compared at equal compute. Adding one is a file and a line in
// RegisterSearchDecoders().
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::search {

// What a decoder is built with; the pointees outlive it.
struct SearchContext {
  models::Transformer policy{nullptr};  // frozen: decoders never train it
  const models::Tokenizer* tokenizer = nullptr;
  const data::TextTask* task = nullptr;  // Steps() splits completions for step search
  // Scores each step of a (partial) completion; decoders that need none may leave it null.
  const reward::ProcessRewardSource* scorer = nullptr;
  models::GenerationOptions generation;  // temperature, max_new_tokens, stop and pad ids
  uint64_t seed = 0;                     // for what a decoder learns when it is built
};

// A partial solution with the value targets its search estimated (search/step_tree.h).
struct StepValue {
  std::string partial;     // the steps so far
  double monte_carlo = 0;  // share of the finished solutions below it that the oracle passes
  double quality = 0;      // ReST-MCTS*'s quality value v_k
};

struct SearchOutput {
  std::vector<std::string> completions;  // [P] one answer per prompt
  int64_t policy_tokens = 0;             // tokens the policy generated, all prompts together
  int64_t scored = 0;                    // (partial) completions the step scorer read
  // Tokens that a second model of the policy's size decoded beside it (VAS's value model).
  int64_t value_tokens = 0;
  // ReST-MCTS*: the finished traces the search found, per prompt, for self-training.
  std::vector<std::vector<std::string>> traces;
  // ReST-MCTS*: per prompt, every partial solution of its tree that has a finished solution
  // below it, with its targets (the task's gold reward > 0.5 as the oracle).
  std::vector<std::vector<StepValue>> step_values;
};

class SearchDecoder {
 public:
  virtual ~SearchDecoder() = default;
  virtual SearchOutput Decode(const std::vector<std::string>& prompts,
                              at::Generator& generator) const = 0;
  virtual std::string Describe() const = 0;
};

using SearchDecoderRegistry = Registry<SearchDecoder, const SearchContext&>;
SearchDecoderRegistry& SearchDecoders();
void RegisterSearchDecoders();  // safe to call more than once
std::unique_ptr<SearchDecoder> MakeSearchDecoder(std::string_view spec,
                                                 const SearchContext& context);

// The builtin entries, one file each in search/decoders/.
SearchDecoderRegistry::Entry SampleDecoder();
SearchDecoderRegistry::Entry BestOfNDecoder();
SearchDecoderRegistry::Entry RestMctsDecoder();
SearchDecoderRegistry::Entry ValueAugmentedDecoder();

// Shared pieces of the entries.

// Samples `per_prompt` completions of each prompt (prompt i's at rows i*per_prompt ..), each
// continuing `prefixes[i]` (a partial completion, may be empty) for at most `max_new_tokens`
// (<= 0: the context's own limit less the prefix), stopping also at `extra_stop_ids`. Adds the
// generated tokens to *policy_tokens.
struct Continuations {
  std::vector<std::string> texts;  // [P * per_prompt] the new text only, special tokens skipped
  std::vector<uint8_t> stopped;    // ended at a stop token of the context (EOS), not an extra one
  models::GenerationOutput out;    // the generation itself
};
Continuations SampleContinuations(const SearchContext& context,
                                  const std::vector<std::string>& prompts,
                                  const std::vector<std::string>& prefixes, int64_t per_prompt,
                                  const std::vector<int64_t>& extra_stop_ids,
                                  at::Generator& generator, int64_t* policy_tokens);

// The step scorer's score of every step of each (partial) completion [N][steps], in
// StepTruth::SplitSteps order. Needs context.scorer and context.task->Steps().
std::vector<std::vector<double>> ScoreSteps(const SearchContext& context,
                                            const std::vector<std::string>& prompts,
                                            const std::vector<std::string>& completions);

}  // namespace rlab::search
