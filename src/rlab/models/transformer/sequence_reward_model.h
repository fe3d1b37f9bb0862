// A sequence reward model: a transformer backbone and a linear `score` head read at the last
// real (non-pad) token of each sequence, the convention of Hugging Face's
// AutoModelForSequenceClassification with num_labels = 1 that TRL's RewardTrainer trains
// (Ouyang et al. 2022, "Training language models to follow instructions with human feedback",
// arXiv:2203.02155, section 3.5). Saved and loaded in the Hugging Face layout
// (LlamaForSequenceClassification / GPT2ForSequenceClassification: backbone names plus
// "score.weight" [num_labels, d]); a causal-LM checkpoint loads as a backbone with a fresh head.
// A scalar reward model has num_labels = 1; distributional and preference-embedding heads
// (reward/model/rm_objective.h) read several outputs from the same place.
//
// Score pooling `sum` is this project's option beside the convention: the head is applied at
// every real token and the outputs are summed, so the reward is a sum of per-token terms (the
// form of a dense, token-level reward). A reward that counts things (each new topic word, each
// repeated word, each word past a length) is a sum of per-token terms a causal transformer
// sees directly, while read at one token it needs a count the attention average cannot give.
// A `sum` model records `rlab_score_pooling: sum` in config.json; other libraries ignore the
// key and would read it at the last token.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

// Where the head reads the backbone: at the last real token (Hugging Face) or summed over all.
enum class ScorePooling { kLastToken, kSum };
ScorePooling ParseScorePooling(const std::string& name);  // "last" | "sum"
std::string ScorePoolingName(ScorePooling pooling);

class SequenceRewardModelImpl : public torch::nn::Module {
 public:
  // The backbone's output layer is never used; the head starts N(0, 0.02) from libtorch's
  // default generator, as Hugging Face initialises it.
  explicit SequenceRewardModelImpl(const TransformerConfig& config, int64_t num_labels = 1,
                                   ScorePooling pooling = ScorePooling::kLastToken);

  // ids [B, T], attention_mask [B, T] (1 = real; left or right padding) -> rewards [B]
  // (num_labels must be 1).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  // All head outputs: [B, num_labels].
  torch::Tensor Outputs(const torch::Tensor& ids, const torch::Tensor& attention_mask);
  // The head read from the backbone's hidden states [B, T, d] (for callers that also use them).
  torch::Tensor Head(const torch::Tensor& hidden, const torch::Tensor& attention_mask);
  int64_t num_labels() const { return num_labels_; }
  ScorePooling pooling() const { return pooling_; }

  Transformer backbone{nullptr};
  torch::nn::Linear score{nullptr};  // [num_labels, d], no bias

 private:
  int64_t num_labels_;
  ScorePooling pooling_;
};
TORCH_MODULE(SequenceRewardModel);

// Index of the last real token of each row: mask [B, T] -> [B] int64 (0 for an empty row).
torch::Tensor LastRealIndex(const torch::Tensor& attention_mask);

// DIR holds a sequence-classification checkpoint (with score.weight; num_labels is read from
// its shape, the pooling from config.json) or a causal LM (the head then starts fresh from
// libtorch's default generator with `num_labels_for_fresh_head` outputs and
// `pooling_for_fresh_head`).
SequenceRewardModel LoadSequenceRewardModel(
    const std::filesystem::path& dir, int64_t num_labels_for_fresh_head = 1,
    ScorePooling pooling_for_fresh_head = ScorePooling::kLastToken);
// A fresh head of `num_labels` outputs on a copy of a causal language model's weights (the
// usual start of reward-model training: the SFT model as backbone).
SequenceRewardModel RewardModelFromLanguageModel(const Transformer& lm, int64_t num_labels,
                                                 ScorePooling pooling = ScorePooling::kLastToken);
// Whether DIR's config.json names a *ForSequenceClassification architecture.
bool IsSequenceClassificationDir(const std::filesystem::path& dir);

// config.json (architectures *ForSequenceClassification, num_labels, and `extra` merged in
// at the top level) + model.safetensors.
void SaveSequenceRewardModel(const SequenceRewardModel& model, const std::filesystem::path& dir,
                             const nlohmann::json& extra = nlohmann::json::object());

}  // namespace rlab::models
