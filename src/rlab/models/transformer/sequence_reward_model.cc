#include "rlab/models/transformer/sequence_reward_model.h"

#include <fmt/format.h>
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
constexpr const char* kPoolingKey = "rlab_score_pooling";

// The backbone never needs an output layer of its own; tying it keeps an untied checkpoint's
// lm_head.weight from being required (it is skipped when present).
TransformerConfig BackboneConfig(TransformerConfig config) {
  config.tie_word_embeddings = true;
  return config;
}

}  // namespace

ScorePooling ParseScorePooling(const std::string& name) {
  if (name == "last") return ScorePooling::kLastToken;
  if (name == "sum") return ScorePooling::kSum;
  RLAB_FAIL("score pooling must be last or sum, got '{}'", name);
}

std::string ScorePoolingName(ScorePooling pooling) {
  return pooling == ScorePooling::kSum ? "sum" : "last";
}

SequenceRewardModelImpl::SequenceRewardModelImpl(const TransformerConfig& config,
                                                 int64_t num_labels, ScorePooling pooling)
    : num_labels_(num_labels), pooling_(pooling) {
  RLAB_CHECK(num_labels >= 1, "a reward model needs num_labels >= 1, got {}", num_labels);
  backbone = register_module("backbone", Transformer(BackboneConfig(config)));
  score = register_module(
      "score",
      torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, num_labels).bias(false)));
  torch::NoGradGuard no_grad;
  score->weight.normal_(0.0, 0.02);
}

torch::Tensor LastRealIndex(const torch::Tensor& attention_mask) {
  const int64_t T = attention_mask.size(1);
  const torch::Tensor positions =
      torch::arange(T, torch::TensorOptions().dtype(torch::kInt64).device(attention_mask.device()));
  return (attention_mask.to(torch::kInt64) * positions).amax(1);  // [B]
}

namespace {

torch::Tensor AtLastRealToken(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  const torch::Tensor last = LastRealIndex(attention_mask);  // [B]
  const int64_t d = hidden.size(2);
  return hidden.gather(1, last.view({-1, 1, 1}).expand({-1, 1, d})).squeeze(1);  // [B, d]
}

}  // namespace

torch::Tensor SequenceRewardModelImpl::Head(const torch::Tensor& hidden,
                                            const torch::Tensor& attention_mask) {
  if (pooling_ == ScorePooling::kLastToken) {
    return score(AtLastRealToken(hidden, attention_mask));  // [B, num_labels]
  }
  // The head is linear, so summing its outputs equals reading it at the summed hidden state.
  const torch::Tensor mask = attention_mask.to(hidden.dtype()).unsqueeze(-1);  // [B, T, 1]
  return score((hidden * mask).sum(1));                                        // [B, num_labels]
}

torch::Tensor SequenceRewardModelImpl::Outputs(const torch::Tensor& ids,
                                               const torch::Tensor& attention_mask) {
  return Head(backbone->Hidden(ids, attention_mask), attention_mask);  // [B, num_labels]
}

torch::Tensor SequenceRewardModelImpl::forward(const torch::Tensor& ids,
                                               const torch::Tensor& attention_mask) {
  RLAB_CHECK(num_labels_ == 1, "this reward model has {} outputs, not one scalar reward",
             num_labels_);
  return Outputs(ids, attention_mask).squeeze(-1);  // [B]
}

namespace {

// A checkpoint's pooling: config.json's rlab_score_pooling, else the last token (every other
// library's convention).
ScorePooling ReadScorePooling(const fs::path& config_path) {
  const nlohmann::json config = nlohmann::json::parse(ReadFile(config_path), nullptr, false);
  if (!config.is_object() || !config.contains(kPoolingKey)) return ScorePooling::kLastToken;
  const nlohmann::json& value = config[kPoolingKey];
  const std::string name = value.is_string() ? value.get<std::string>() : value.dump();
  RLAB_CHECK(name == "last" || name == "sum", "{}: {} must be last or sum, got '{}'",
             config_path.string(), kPoolingKey, name);
  return ParseScorePooling(name);
}

}  // namespace

SequenceRewardModel LoadSequenceRewardModel(const fs::path& dir, int64_t num_labels_for_fresh_head,
                                            ScorePooling pooling_for_fresh_head) {
  std::map<std::string, torch::Tensor> tensors = ReadHfWeights(dir);
  const TransformerConfig config = ReadTransformerConfig(dir / "config.json");
  const auto it = tensors.find(kScoreName);
  const int64_t d = config.hidden_size;
  if (it != tensors.end()) {
    RLAB_CHECK(it->second.dim() == 2 && it->second.size(0) >= 1 && it->second.size(1) == d,
               "{}: score.weight has shape {}; a reward model's head is [num_labels, {}]",
               dir.string(), it->second.sizes(), d);
  }
  SequenceRewardModel model(
      config, it != tensors.end() ? it->second.size(0) : num_labels_for_fresh_head,
      it != tensors.end() ? ReadScorePooling(dir / "config.json") : pooling_for_fresh_head);
  if (it != tensors.end()) {
    torch::NoGradGuard no_grad;
    model->score->weight.copy_(it->second.to(torch::kFloat32));
    tensors.erase(it);
  }
  LoadHfTensors(model->backbone, tensors, dir.string());
  return model;
}

SequenceRewardModel RewardModelFromLanguageModel(const Transformer& lm, int64_t num_labels,
                                                 ScorePooling pooling) {
  SequenceRewardModel model(lm->config(), num_labels, pooling);
  LoadHfTensors(model->backbone, HfTensorsForSave(lm), "language model");
  return model;
}

bool IsSequenceClassificationDir(const fs::path& dir) {
  const fs::path path = dir / "config.json";
  if (!fs::exists(path)) return false;
  const nlohmann::json config = nlohmann::json::parse(ReadFile(path), nullptr, false);
  if (!config.is_object() || !config.contains("architectures") ||
      !config["architectures"].is_array()) {
    return false;
  }
  for (const auto& a : config["architectures"]) {
    if (a.is_string() && a.get<std::string>().ends_with("ForSequenceClassification")) return true;
  }
  return false;
}

void SaveSequenceRewardModel(const SequenceRewardModel& model, const fs::path& dir,
                             const nlohmann::json& extra) {
  fs::create_directories(dir);
  std::map<std::string, torch::Tensor> tensors = HfTensorsForSave(model->backbone);
  tensors[kScoreName] = model->score->weight.detach().contiguous();
  WriteSafetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
  nlohmann::json config = TransformerConfigToJson(model->backbone->config());
  const bool gpt2 = model->backbone->config().arch == TransformerArch::kGpt2;
  config["architectures"] = nlohmann::json::array(
      {gpt2 ? "GPT2ForSequenceClassification" : "LlamaForSequenceClassification"});
  const int64_t labels = model->num_labels();
  config["num_labels"] = labels;
  config["id2label"] = nlohmann::json::object();
  config["label2id"] = nlohmann::json::object();
  for (int64_t i = 0; i < labels; ++i) {
    const std::string name = fmt::format("LABEL_{}", i);
    config["id2label"][std::to_string(i)] = name;
    config["label2id"][name] = i;
  }
  if (model->pooling() != ScorePooling::kLastToken) {
    config[kPoolingKey] = ScorePoolingName(model->pooling());
  }
  config.update(extra);
  WriteFileAtomic(dir / "config.json", config.dump(2) + "\n");
}

}  // namespace rlab::models
