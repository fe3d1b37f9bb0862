// A process reward model (PRM): a transformer backbone with a linear head applied at every
// token, read at the last token of each reasoning step as the logit of "the solution is still
// right after this step" (Lightman et al., "Let's Verify Step by Step", arXiv:2305.20050; TRL's
// PRMTrainer reads the step separator's token the same way). The network is the sequence reward
// model of models/transformer/sequence_reward_model.h with one output, so it saves and loads in
// the same Hugging Face layout; config.json also records
//   "rlab_objective": "process_reward"        (text_reward_model.h refuses it as an outcome RM)
//   "rlab_process_reward": {"delimiter": "; ", "supervision": "step"}
// supervision=outcome marks a model trained on the final step's outcome label only (an outcome
// reward model read the same way), the baseline that process supervision is compared with.
//
// A completion is tokenized as EncodeWithBos(prompt) followed by Encode(completion); a step's
// score is read at the token that ends it (StepEndTokens of process_reward_source.h).
#pragma once

#include <torch/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::reward {

// One tokenized completion with its steps: where each step's score is read and its gold label.
struct StepExample {
  std::vector<int64_t> ids;          // BOS + prompt + completion
  std::vector<int64_t> step_tokens;  // per step, the index in `ids` of its last token
  std::vector<bool> labels;          // per step (empty when only scored)
};

// `step_end_chars`: per step, the offset in `completion` one past its last character
// (StepTruth::StepEnds). A step whose end lies past the text is an error naming `where`.
StepExample TokenizeSteps(const models::Tokenizer& tokenizer, std::string_view prompt,
                          std::string_view completion,
                          const std::vector<std::size_t>& step_end_chars, std::vector<bool> labels,
                          std::string_view where);
// The same example supervised by its outcome only: the final step, labelled true when every
// step is (an outcome reward model's data from the same completions).
StepExample OutcomeOnly(const StepExample& example);

// A right-padded batch of step examples and the flattened steps in it.
struct StepBatch {
  torch::Tensor ids;             // [B, T] int64
  torch::Tensor attention_mask;  // [B, T] int64, 1 for real tokens
  torch::Tensor rows, columns;   // [S] int64: where each step's score is read
  torch::Tensor labels;          // [S] float32 (0 or 1); empty when the examples have none
  int64_t Tokens() const;        // real tokens in the batch
};
StepBatch CollateSteps(const std::vector<StepExample>& examples, std::span<const int64_t> indices,
                       int64_t pad_token_id);

// The head's logit at every step of the batch: [S].
torch::Tensor StepLogits(models::SequenceRewardModel& model, const StepBatch& batch);
// P(still right) = sigmoid(logit) at every step of each example, scored `batch_size` examples
// at a time without gradients: per example, one value per step.
std::vector<std::vector<double>> StepProbabilities(models::SequenceRewardModel& model,
                                                   const std::vector<StepExample>& examples,
                                                   int64_t batch_size, int64_t pad_token_id);

struct ProcessRewardModelInfo {
  std::string delimiter;             // the step delimiter of the data it learnt from
  std::string supervision = "step";  // step | outcome
};

class ProcessRewardModel {
 public:
  ProcessRewardModel(models::SequenceRewardModel model,
                     std::unique_ptr<models::Tokenizer> tokenizer, ProcessRewardModelInfo info);
  // P(still right) after each step of each completion, from the logits' sigmoid: per
  // completion, one value per entry of its `step_end_chars`.
  std::vector<std::vector<double>> StepProbabilities(
      const std::vector<std::string>& prompts, const std::vector<std::string>& completions,
      const std::vector<std::vector<std::size_t>>& step_end_chars, int64_t batch_size = 64) const;

  const models::Tokenizer& tokenizer() const { return *tokenizer_; }
  const ProcessRewardModelInfo& info() const { return info_; }
  models::SequenceRewardModel& model() { return model_; }
  std::string Describe() const;

 private:
  mutable models::SequenceRewardModel model_;
  std::unique_ptr<models::Tokenizer> tokenizer_;
  ProcessRewardModelInfo info_;
};

bool IsProcessRewardModelDir(const std::filesystem::path& dir);
ProcessRewardModel LoadProcessRewardModel(const std::filesystem::path& dir);
// The model in the Hugging Face layout with the keys above and its tokenizer's files (written
// as SaveTokenizerFiles does, from `tokenizer_source`).
void SaveProcessRewardModelDir(const models::SequenceRewardModel& model,
                               const ProcessRewardModelInfo& info,
                               const models::Tokenizer* tokenizer,
                               const std::filesystem::path& tokenizer_source,
                               const std::filesystem::path& dir);

}  // namespace rlab::reward
