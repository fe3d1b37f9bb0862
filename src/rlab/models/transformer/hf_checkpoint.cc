#include "rlab/models/transformer/hf_checkpoint.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <set>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/core/shape_format.h"
#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kGpt2Prefix = "transformer.";

// Tensors some Hugging Face checkpoints hold that are not parameters of ours.
bool IsIgnorable(const TransformerConfig& config, const std::string& name) {
  if (name == "lm_head.weight") return config.tie_word_embeddings;
  if (config.arch == TransformerArch::kGpt2) {
    return name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias");
  }
  return name.ends_with(".rotary_emb.inv_freq");
}

std::string JoinFirst(const std::vector<std::string>& names, size_t limit) {
  std::string text;
  for (size_t i = 0; i < names.size() && i < limit; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > limit) text += fmt::format(" and {} more", names.size() - limit);
  return text;
}

// A lower bound on the parameters `config` implies (embeddings, attention projections, MLPs,
// GPT-2's position table), in double so that no field can overflow it.
double MinimumParameters(const TransformerConfig& config) {
  const double width = static_cast<double>(config.hidden_size);
  double count =
      static_cast<double>(config.vocab_size) * width +
      static_cast<double>(config.num_layers) *
          (2 * width * width + 2 * width * static_cast<double>(config.intermediate_size));
  if (config.arch == TransformerArch::kGpt2) {
    count += static_cast<double>(config.max_positions) * width;
  }
  return count;
}

}  // namespace

void LoadHfTensors(Transformer& model, const std::map<std::string, torch::Tensor>& tensors,
                   std::string_view source) {
  const TransformerConfig& config = model->config();
  const bool gpt2 = config.arch == TransformerArch::kGpt2;
  std::map<std::string, torch::Tensor> expected = model->HfParameters();
  // Our names for the checkpoint's tensors.
  std::map<std::string, std::pair<std::string, torch::Tensor>> found;  // ours -> (file, tensor)
  std::vector<std::string> unknown;
  for (const auto& [file_name, tensor] : tensors) {
    std::string name = file_name;
    if (gpt2 && name.starts_with(kGpt2Prefix)) name = name.substr(kGpt2Prefix.size());
    if (IsIgnorable(config, name)) continue;
    if (!expected.contains(name)) {
      unknown.push_back(file_name);
      continue;
    }
    const auto [it, inserted] = found.emplace(name, std::make_pair(file_name, tensor));
    RLAB_CHECK(inserted, "{}: tensors '{}' and '{}' are the same parameter; keep one", source,
               it->second.first, file_name);
  }
  RLAB_CHECK(unknown.empty(),
             "{}: {} tensor(s) that a {} model with this config.json does not have: {}", source,
             unknown.size(), ArchName(config.arch), JoinFirst(unknown, 8));
  std::vector<std::string> missing;
  for (const auto& [name, param] : expected) {
    if (!found.contains(name)) missing.push_back(name);
  }
  RLAB_CHECK(missing.empty(), "{}: {} tensor(s) missing: {}", source, missing.size(),
             JoinFirst(missing, 8));

  torch::NoGradGuard no_grad;
  for (auto& [name, param] : expected) {
    const auto& [file_name, tensor] = found.at(name);
    const bool conv1d = gpt2 && TransformerImpl::IsConv1dWeight(name);
    // Hugging Face's Conv1D stores [in, out]; ours is a Linear weight [out, in].
    const std::vector<int64_t> want =
        conv1d ? std::vector<int64_t>{param.size(1), param.size(0)} : param.sizes().vec();
    RLAB_CHECK(tensor.sizes().vec() == want,
               "{}: tensor '{}' has shape {} but config.json implies {}", source, file_name,
               tensor.sizes(), c10::IntArrayRef(want));
    RLAB_CHECK(torch::isFloatingType(tensor.scalar_type()),
               "{}: tensor '{}' has dtype {}; a floating-point type is needed", source, file_name,
               c10::toString(tensor.scalar_type()));
    const torch::Tensor value = tensor.to(param.scalar_type());
    param.copy_(conv1d ? value.t() : value);
  }
}

std::map<std::string, torch::Tensor> ReadHfWeights(const fs::path& dir) {
  RLAB_CHECK(fs::is_directory(dir),
             "{}: not a directory; a model directory holds config.json "
             "and model.safetensors",
             dir.string());
  SafetensorsReadOptions options;
  options.to_float32 = true;
  const fs::path single = dir / "model.safetensors";
  if (fs::exists(single)) return ReadSafetensors(single, options).tensors;
  const fs::path index_path = dir / "model.safetensors.index.json";
  RLAB_CHECK(fs::exists(index_path),
             "{}: neither model.safetensors nor model.safetensors.index.json is there",
             dir.string());
  const nlohmann::json index = ReadJsonFile(index_path);
  RLAB_CHECK(index.is_object() && index.contains("weight_map") && index["weight_map"].is_object(),
             "{}: expected an object with a \"weight_map\" object (tensor name -> shard file)",
             index_path.string());
  // Each shard once, then every tensor the index names must be in the shard it names.
  std::map<std::string, std::map<std::string, torch::Tensor>> shards;
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, file] : index["weight_map"].items()) {
    RLAB_CHECK(file.is_string(), "{}: weight_map[\"{}\"] must be a file name, found {}",
               index_path.string(), name, file.dump());
    const std::string shard = file.get<std::string>();
    RLAB_CHECK(fs::path(shard).filename() == fs::path(shard),
               "{}: weight_map[\"{}\"] = '{}' must be a file in the model directory",
               index_path.string(), name, shard);
    if (!shards.count(shard)) shards[shard] = ReadSafetensors(dir / shard, options).tensors;
    const auto& tensors = shards[shard];
    const auto it = tensors.find(name);
    RLAB_CHECK(it != tensors.end(), "{}: weight_map puts '{}' in {}, which does not hold it",
               index_path.string(), name, shard);
    out[name] = it->second;
  }
  return out;
}

Transformer LoadHfTransformer(const fs::path& dir) {
  const std::map<std::string, torch::Tensor> tensors = ReadHfWeights(dir);
  const TransformerConfig config = ReadTransformerConfig(dir / "config.json");
  // Every parameter comes from the weights, so a config.json that implies more than they hold
  // does not belong to them; refusing it here keeps a few edited bytes from allocating a model
  // of arbitrary size before the shapes are compared.
  int64_t stored = 0;
  for (const auto& [name, tensor] : tensors) stored += tensor.numel();
  RLAB_CHECK(MinimumParameters(config) <= static_cast<double>(stored),
             "{}: config.json implies at least {:.0f} parameters but the weights hold {} values; "
             "the config does not belong to these weights",
             (dir / "config.json").string(), MinimumParameters(config), stored);
  Transformer model(config);
  LoadHfTensors(model, tensors, dir.string());
  return model;
}

std::map<std::string, torch::Tensor> HfTensorsForSave(const Transformer& model) {
  const bool gpt2 = model->config().arch == TransformerArch::kGpt2;
  std::map<std::string, torch::Tensor> out;
  for (const auto& [name, param] : model->HfParameters()) {
    torch::Tensor value = param.detach();
    if (gpt2 && TransformerImpl::IsConv1dWeight(name)) value = value.t();
    out[gpt2 ? std::string(kGpt2Prefix) + name : name] = value.contiguous();
  }
  return out;
}

void SaveHfTransformer(const Transformer& model, const fs::path& dir) {
  fs::create_directories(dir);
  WriteSafetensors(dir / "model.safetensors", HfTensorsForSave(model), {{"format", "pt"}});
  WriteFileAtomic(dir / "config.json", TransformerConfigToJson(model->config()).dump(2) + "\n");
}

}  // namespace rlab::models
