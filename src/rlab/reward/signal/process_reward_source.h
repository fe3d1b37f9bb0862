// Process rewards: a reward per reasoning step (or per token) of a generated completion, where
// outcome rewards (text_reward_source.h) give one per completion. A source places each step's
// reward on the step's last token, so that credit assignment over steps (rl/step_credit.h) and
// the policy loss work on one [N, T] layout whatever the source:
//   gold                  the task's own step labels (text/step_truth.h), the upper bound
//   gameable(...)         a simulated flawed process reward model that also pays well-formed
//                         but wrong steps: the hacking experiment's proxy
//   prm(path=DIR, ...)    a trained process reward model (reward/model/, `rlab train-prm`)
//   prime(...), oprl(...), implicit(...)
//                         implicit process rewards beta * log pi_phi(y_t) / pi_ref(y_t) from a
//                         model trained on outcomes or preferences (PRIME updates it online)
// Each entry lives in its own file under reward/signal/process_rewards/ with its paper; adding
// one is a file and a line in RegisterProcessRewardSources().
#pragma once

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/core/checkpoint.h"
#include "rlab/core/metrics.h"
#include "rlab/core/registry.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/transformer.h"
#include "rlab/text/step_truth.h"
#include "rlab/text/text_task.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::reward {

// What a source is built with; the pointees outlive it.
struct ProcessRewardContext {
  const data::TextTask* task = nullptr;  // its Steps() split completions (and label them: gold)
  const models::Tokenizer* tokenizer = nullptr;
  // The frozen reference policy: implicit process rewards compare with it and start from it.
  models::Transformer reference{nullptr};
  double temperature = 1.0;  // the temperature completions were sampled (and are scored) at
  uint64_t seed = 0;
};

// A batch of completions to score: prompts and decoded completions [N] with the generation
// that produced them (tokens and mask [N, T]).
struct ProcessRewardBatch {
  const std::vector<std::string>& prompts;
  const std::vector<std::string>& completions;
  const models::GenerationOutput& out;
};

struct ProcessRewards {
  torch::Tensor rewards;    // [N, T] float32: a step's reward on its last token, 0 elsewhere
  torch::Tensor positions;  // [N, T] bool: the tokens that carry a reward (step ends, or every
                            // completion token for a token-level source)
};

class ProcessRewardSource {
 public:
  virtual ~ProcessRewardSource() = default;
  virtual ProcessRewards Score(const ProcessRewardBatch& batch) const = 0;
  // A source that learns during RL (PRIME's implicit PRM) updates from the batch's outcome
  // rewards [N] and returns metrics to log; others learn nothing.
  virtual MetricList Learn(const ProcessRewardBatch& batch, const torch::Tensor& outcome) {
    (void)batch, (void)outcome;
    return {};
  }
  // What a learning source must checkpoint for a resumed run to continue it exactly.
  virtual void AddState(CheckpointState& state) const { (void)state; }
  virtual std::string Describe() const = 0;
};

using ProcessRewardRegistry = Registry<ProcessRewardSource, const ProcessRewardContext&>;
ProcessRewardRegistry::Entry PrmProcessRewardEntry();  // process_rewards/prm.cc
ProcessRewardRegistry::Entry ImplicitProcessReward();  // process_rewards/implicit.cc
ProcessRewardRegistry::Entry PrimeProcessReward();     // process_rewards/prime.cc
ProcessRewardRegistry::Entry OprlProcessReward();      // process_rewards/oprl.cc
ProcessRewardRegistry::Entry GoldProcessReward();      // process_rewards/task_step_labels.cc
ProcessRewardRegistry::Entry GameableProcessReward();  // process_rewards/task_step_labels.cc
ProcessRewardRegistry& ProcessRewardSources();
void RegisterProcessRewardSources();  // safe to call more than once
std::unique_ptr<ProcessRewardSource> MakeProcessRewardSource(std::string_view spec,
                                                             const ProcessRewardContext& context);

// The column of `completion_ids` (row b of out.tokens, from 0) holding the last token of each
// step, given each step's end offset in the decoded completion (StepTruth::StepEnds): the first
// token whose decoded prefix reaches the offset. Offsets past the decoded text are dropped.
std::vector<int64_t> StepEndTokens(const models::Tokenizer& tokenizer,
                                   const std::vector<int64_t>& completion_ids,
                                   const std::vector<std::size_t>& step_end_chars);

// Per-step rewards step_rewards[i][k] (step k of completion i, as StepTruth::SplitSteps splits
// it) placed on the steps' last tokens.
ProcessRewards PlaceStepRewards(const ProcessRewardBatch& batch, const models::Tokenizer& tokenizer,
                                const data::StepTruth& steps,
                                const std::vector<std::vector<double>>& step_rewards);

}  // namespace rlab::reward
