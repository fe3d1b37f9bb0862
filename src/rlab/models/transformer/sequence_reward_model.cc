#include "rlab/models/transformer/sequence_reward_model.h"

#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/shape_format.h"
#include "rlab/models/safetensors/writer.h"
#include "rlab/models/transformer/hf_checkpoint.h"

namespace rlab::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kScoreName = "score.weight";

// The backbone never needs an output layer of its own; tying it keeps an untied checkpoint's
// lm_head.weight from being required (it is skipped when present).
TransformerConfig BackboneConfig(TransformerConfig config) {
  config.tie_word_embeddings = true;
  return config;
}

}  // namespace

SequenceRewardModelImpl::SequenceRewardModelImpl(const TransformerConfig& config) {
  backbone = register_module("backbone", Transformer(BackboneConfig(config)));
  score = register_module(
      "score", torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, 1).bias(false)));
  torch::NoGradGuard no_grad;
  score->weight.normal_(0.0, 0.02);
}

torch::Tensor LastRealIndex(const torch::Tensor& attention_mask) {
  const int64_t T = attention_mask.size(1);
  const torch::Tensor positions =
      torch::arange(T, torch::TensorOptions().dtype(torch::kInt64).device(attention_mask.device()));
  return (attention_mask.to(torch::kInt64) * positions).amax(1);  // [B]
}

torch::Tensor SequenceRewardModelImpl::LastHidden(const torch::Tensor& ids,
                                                  const torch::Tensor& attention_mask) {
  const torch::Tensor hidden = backbone->Hidden(ids, attention_mask);  // [B, T, d]
  const torch::Tensor last = LastRealIndex(attention_mask);               // [B]
  const int64_t d = hidden.size(2);
  return hidden.gather(1, last.view({-1, 1, 1}).expand({-1, 1, d})).squeeze(1);  // [B, d]
}

torch::Tensor SequenceRewardModelImpl::forward(const torch::Tensor& ids,
                                               const torch::Tensor& attention_mask) {
  return score(LastHidden(ids, attention_mask)).squeeze(-1);  // [B]
}

SequenceRewardModel LoadSequenceRewardModel(const fs::path& dir) {
  std::map<std::string, torch::Tensor> tensors = ReadHfWeights(dir);
  const TransformerConfig config = ReadTransformerConfig(dir / "config.json");
  SequenceRewardModel model(config);
  const auto it = tensors.find(kScoreName);
  if (it != tensors.end()) {
    const int64_t d = config.hidden_size;
    RLAB_CHECK(it->second.dim() == 2 && it->second.size(0) == 1 && it->second.size(1) == d,
               "{}: score.weight has shape {}; a reward model's head is [1, {}] (num_labels 1)",
               dir.string(), it->second.sizes(), d);
    torch::NoGradGuard no_grad;
    model->score->weight.copy_(it->second.to(torch::kFloat32));
    tensors.erase(it);
  }
  LoadHfTensors(model->backbone, tensors, dir.string());
  return model;
}

void SaveSequenceRewardModel(const SequenceRewardModel& model, const fs::path& dir) {
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors = HfTensorsForSave(model->backbone);
  tensors[kScoreName] = model->score->weight.detach().contiguous();
  WriteSafetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
  nlohmann::json config = TransformerConfigToJson(model->backbone->config());
  const bool gpt2 = model->backbone->config().arch == TransformerArch::kGpt2;
  config["architectures"] = nlohmann::json::array(
      {gpt2 ? "GPT2ForSequenceClassification" : "LlamaForSequenceClassification"});
  config["num_labels"] = 1;
  config["id2label"] = {{"0", "LABEL_0"}};
  config["label2id"] = {{"LABEL_0", 0}};
  WriteFileAtomic(dir / "config.json", config.dump(2) + "\n");
}

}  // namespace rlab::models
