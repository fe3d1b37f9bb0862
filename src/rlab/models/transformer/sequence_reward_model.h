// A sequence reward model: a transformer backbone and a linear `score` head read at the last
// real (non-pad) token of each sequence, the convention of Hugging Face's
// AutoModelForSequenceClassification with num_labels = 1 that TRL's RewardTrainer trains
// (Ouyang et al. 2022, "Training language models to follow instructions with human feedback",
// arXiv:2203.02155, section 3.5). Saved and loaded in the Hugging Face layout
// (LlamaForSequenceClassification / GPT2ForSequenceClassification: backbone names plus
// "score.weight" [1, d]); a causal-LM checkpoint loads as a backbone with a fresh head.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <filesystem>

#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

class SequenceRewardModelImpl : public torch::nn::Module {
 public:
  // The backbone's output layer is never used; the head starts N(0, 0.02) from libtorch's
  // default generator, as Hugging Face initialises it.
  explicit SequenceRewardModelImpl(const TransformerConfig& config);

  // ids [B, T], attention_mask [B, T] (1 = real; left or right padding) -> rewards [B].
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  // The hidden state each reward is read from: [B, d].
  torch::Tensor LastHidden(const torch::Tensor& ids, const torch::Tensor& attention_mask);

  Transformer backbone{nullptr};
  torch::nn::Linear score{nullptr};  // [1, d], no bias
};
TORCH_MODULE(SequenceRewardModel);

// Index of the last real token of each row: mask [B, T] -> [B] int64 (0 for an empty row).
torch::Tensor LastRealIndex(const torch::Tensor& attention_mask);

// DIR holds a sequence-classification checkpoint (with score.weight) or a causal LM (the
// head then starts fresh from libtorch's default generator).
SequenceRewardModel LoadSequenceRewardModel(const std::filesystem::path& dir);
// config.json (architectures *ForSequenceClassification, num_labels 1) + model.safetensors.
void SaveSequenceRewardModel(const SequenceRewardModel& model, const std::filesystem::path& dir);

}  // namespace rlab::models
