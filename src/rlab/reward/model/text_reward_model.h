// A trained reward model for text, as eval-rm and the RL and overoptimisation stages use it:
// one sequence reward model or an ensemble of them, the objective its head was trained with,
// and its tokenizer. An ensemble exposes every member's output so later stages can aggregate
// them (mean, worst case, uncertainty-weighted); WARM (Rame et al., "WARM: On the Benefits of
// Weight Averaged Reward Models", arXiv:2401.12187) is one model whose weights are the mean
// of members fine-tuned from one initialisation.
//
// On disk, a model is a Hugging Face sequence-classification directory whose config.json
// also holds "rlab_objective" (absent in other tools' checkpoints: bradley_terry); an ensemble
// is a directory with ensemble.json ({"members": ["member_0", ...]}) and one such directory
// per member.
#pragma once

#include <torch/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/models/transformer/sequence_reward_model.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::reward {

class TextRewardModel {
 public:
  TextRewardModel(std::vector<models::SequenceRewardModel> members, std::string objective_spec,
                  std::unique_ptr<models::Tokenizer> tokenizer);

  // Head outputs of every member: [K, N, head_size].
  torch::Tensor MemberOutputs(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  // The members' mean output: [N, head_size].
  torch::Tensor Outputs(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  // Every member's scalar reward: [K, N] (an error for objectives without one, such as gpm).
  torch::Tensor MemberRewards(const torch::Tensor& ids, const torch::Tensor& attention_mask);

  // Every member's scalar reward of each (prompt, completion), tokenized as train-rm does
  // (BOS + prompt + completion + EOS; longer texts keep their last max_length tokens): [K, N].
  torch::Tensor MemberRewardsOfTexts(const std::vector<std::string>& prompts,
                                     const std::vector<std::string>& completions,
                                     int64_t max_length = 512, int64_t batch_size = 64);
  // Every member's head outputs of each (prompt, completion), tokenized likewise: [K, N, head].
  torch::Tensor MemberOutputsOfTexts(const std::vector<std::string>& prompts,
                                     const std::vector<std::string>& completions,
                                     int64_t max_length = 512, int64_t batch_size = 64);

  const RewardModelObjective& objective() const { return *objective_; }
  const std::string& objective_spec() const { return objective_spec_; }
  const models::Tokenizer& tokenizer() const { return *tokenizer_; }
  std::vector<models::SequenceRewardModel>& members() { return members_; }
  int64_t size() const { return static_cast<int64_t>(members_.size()); }
  std::string Describe() const;

 private:
  // `score` of the texts' token batches, concatenated along dimension 1 ([K, 0] if none).
  torch::Tensor TextsInBatches(
      const std::vector<std::string>& prompts, const std::vector<std::string>& completions,
      int64_t max_length, int64_t batch_size,
      const std::function<torch::Tensor(const torch::Tensor&, const torch::Tensor&)>& score);

  std::vector<models::SequenceRewardModel> members_;
  std::string objective_spec_;
  std::unique_ptr<RewardModelObjective> objective_;
  std::unique_ptr<models::Tokenizer> tokenizer_;
};

// A model directory or an ensemble directory (see above).
TextRewardModel LoadTextRewardModel(const std::filesystem::path& dir);
bool IsEnsembleDir(const std::filesystem::path& dir);

// One model in the Hugging Face layout with its objective and tokenizer files (`tokenizer`
// written as SaveTokenizerFiles does, from `tokenizer_source`).
void SaveRewardModelDir(const models::SequenceRewardModel& model, const std::string& objective_spec,
                        const models::Tokenizer* tokenizer,
                        const std::filesystem::path& tokenizer_source,
                        const std::filesystem::path& dir);
// ensemble.json naming the member directories (relative to `dir`) that already hold models.
void WriteEnsembleIndex(const std::filesystem::path& dir, const std::vector<std::string>& members);

// WARM: the element-wise mean of the members' parameters (all of one architecture).
models::SequenceRewardModel AverageWeights(const std::vector<models::SequenceRewardModel>& members);

}  // namespace rlab::reward
