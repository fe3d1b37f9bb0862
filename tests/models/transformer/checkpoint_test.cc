// config.json parsing and Hugging Face checkpoint directories: round trips, name mapping
// (GPT-2's Conv1D layout and optional "transformer." prefix) and errors naming the culprit.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "test_support.h"
#include "tiny_configs.h"

namespace rlab::models {
namespace {

using rlab::testing::ErrorOf;
using rlab::testing::ScratchDir;
using rlab::testing::WriteText;
using testing::TinyGpt2;
using testing::TinyLlama;

using rlab::testing::Contains;

TEST(TransformerConfig, ParsesGpt2) {
  const auto json = nlohmann::json::parse(R"({"model_type": "gpt2", "vocab_size": 50257,
      "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024,
      "layer_norm_epsilon": 1e-05, "n_inner": null, "activation_function": "gelu_new"})");
  const TransformerConfig c = ParseTransformerConfig(json, "config.json");
  EXPECT_EQ(c.arch, TransformerArch::kGpt2);
  EXPECT_EQ(c.hidden_size, 768);
  EXPECT_EQ(c.intermediate_size, 3072);
  EXPECT_EQ(c.num_kv_heads, 12);
  EXPECT_EQ(c.head_dim(), 64);
  EXPECT_TRUE(c.tie_word_embeddings);
}

TEST(TransformerConfig, ParsesLlamaWithDefaults) {
  const auto json = nlohmann::json::parse(R"({"model_type": "llama", "vocab_size": 512,
      "hidden_size": 64, "num_hidden_layers": 5, "num_attention_heads": 8,
      "intermediate_size": 172})");
  const TransformerConfig c = ParseTransformerConfig(json, "config.json");
  EXPECT_EQ(c.arch, TransformerArch::kLlama);
  EXPECT_EQ(c.num_kv_heads, 8);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_FALSE(c.tie_word_embeddings);
}

TEST(TransformerConfig, ErrorsNameTheFileAndField) {
  const auto missing = nlohmann::json::parse(R"({"model_type": "llama", "vocab_size": 512,
      "hidden_size": 64, "num_attention_heads": 8, "intermediate_size": 172})");
  const std::string e1 = ErrorOf([&] { ParseTransformerConfig(missing, "dir/config.json"); });
  EXPECT_TRUE(Contains(e1, "dir/config.json") && Contains(e1, "num_hidden_layers")) << e1;

  const auto wrong_type = nlohmann::json::parse(R"({"model_type": "gpt2", "vocab_size": 50,
      "n_embd": "768", "n_layer": 1, "n_head": 1, "n_positions": 8})");
  const std::string e2 = ErrorOf([&] { ParseTransformerConfig(wrong_type, "g.json"); });
  EXPECT_TRUE(Contains(e2, "g.json") && Contains(e2, "n_embd")) << e2;

  const auto bad_heads = nlohmann::json::parse(R"({"model_type": "llama", "vocab_size": 512,
      "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 8,
      "num_key_value_heads": 3, "intermediate_size": 172})");
  const std::string e3 = ErrorOf([&] { ParseTransformerConfig(bad_heads, "h.json"); });
  EXPECT_TRUE(Contains(e3, "h.json") && Contains(e3, "num_kv_heads")) << e3;

  const auto unknown = nlohmann::json::parse(R"({"model_type": "mamba"})");
  const std::string e4 = ErrorOf([&] { ParseTransformerConfig(unknown, "m.json"); });
  EXPECT_TRUE(Contains(e4, "m.json") && Contains(e4, "model_type")) << e4;
}

TEST(TransformerConfig, JsonRoundTrips) {
  for (const auto& config : {TinyGpt2(), TinyLlama(2), TinyLlama(4, true)}) {
    const TransformerConfig back =
        ParseTransformerConfig(TransformerConfigToJson(config), "config.json");
    EXPECT_EQ(back.arch, config.arch);
    EXPECT_EQ(back.vocab_size, config.vocab_size);
    EXPECT_EQ(back.hidden_size, config.hidden_size);
    EXPECT_EQ(back.num_layers, config.num_layers);
    EXPECT_EQ(back.num_heads, config.num_heads);
    EXPECT_EQ(back.num_kv_heads, config.num_kv_heads);
    EXPECT_EQ(back.intermediate_size, config.intermediate_size);
    EXPECT_EQ(back.max_positions, config.max_positions);
    EXPECT_DOUBLE_EQ(back.norm_eps, config.norm_eps);
    EXPECT_EQ(back.tie_word_embeddings, config.tie_word_embeddings);
  }
}

TEST(HfCheckpoint, SaveThenLoadGivesTheSameLogits) {
  torch::NoGradGuard no_grad;
  ScratchDir scratch("transformer_roundtrip");
  int index = 0;
  for (const auto& config : {TinyGpt2(), TinyLlama(2), TinyLlama(4, true)}) {
    torch::manual_seed(11);
    Transformer model(config);
    const auto dir = scratch / ("model" + std::to_string(index++));
    SaveHfTransformer(model, dir);
    Transformer loaded = LoadHfTransformer(dir);
    const torch::Tensor ids = torch::randint(config.vocab_size, {2, 5}, torch::kInt64);
    EXPECT_TRUE(torch::equal(model(ids), loaded(ids))) << ArchName(config.arch);
  }
}

TEST(HfCheckpoint, Gpt2UsesConv1dLayoutAndOptionalPrefix) {
  torch::NoGradGuard no_grad;
  const TransformerConfig config = TinyGpt2();
  torch::manual_seed(5);
  Transformer model(config);
  const auto saved = HfTensorsForSave(model);
  const int64_t d = config.hidden_size;
  // Hugging Face's Conv1D keeps [in, out].
  EXPECT_EQ(saved.at("transformer.h.0.attn.c_attn.weight").sizes().vec(),
            (std::vector<int64_t>{d, 3 * d}));
  EXPECT_EQ(saved.at("transformer.h.1.mlp.c_fc.weight").sizes().vec(),
            (std::vector<int64_t>{d, config.intermediate_size}));
  EXPECT_FALSE(saved.contains("lm_head.weight"));
  // Without the prefix, plus the causal-mask buffers old checkpoints hold, loads the same.
  std::map<std::string, torch::Tensor> bare;
  for (const auto& [name, t] : saved) bare[name.substr(std::string("transformer.").size())] = t;
  bare["h.0.attn.bias"] = torch::ones({1, 1, 32, 32});
  torch::manual_seed(6);
  Transformer other(config);
  LoadHfTensors(other, bare, "bare.safetensors");
  const torch::Tensor ids = torch::randint(config.vocab_size, {1, 6}, torch::kInt64);
  EXPECT_TRUE(torch::equal(model(ids), other(ids)));
}

TEST(HfCheckpoint, MissingExtraAndMisshapedTensorsAreNamed) {
  torch::NoGradGuard no_grad;
  const TransformerConfig config = TinyLlama(2);
  Transformer model(config);
  const auto good = HfTensorsForSave(model);

  auto missing = good;
  missing.erase("model.layers.1.mlp.up_proj.weight");
  const std::string e1 = ErrorOf([&] { LoadHfTensors(model, missing, "m.safetensors"); });
  EXPECT_TRUE(Contains(e1, "m.safetensors") && Contains(e1, "model.layers.1.mlp.up_proj.weight"))
      << e1;

  auto extra = good;
  extra["model.layers.7.mlp.up_proj.weight"] = torch::zeros({2});
  const std::string e2 = ErrorOf([&] { LoadHfTensors(model, extra, "x.safetensors"); });
  EXPECT_TRUE(Contains(e2, "x.safetensors") && Contains(e2, "model.layers.7.mlp.up_proj.weight"))
      << e2;

  auto misshaped = good;
  misshaped["model.layers.0.self_attn.k_proj.weight"] = torch::zeros({16, 16});  // not [8, 16]
  const std::string e3 = ErrorOf([&] { LoadHfTensors(model, misshaped, "s.safetensors"); });
  EXPECT_TRUE(Contains(e3, "model.layers.0.self_attn.k_proj.weight") && Contains(e3, "[8, 16]"))
      << e3;

  auto integer = good;
  integer["model.norm.weight"] = torch::ones({16}, torch::kInt32);
  const std::string e4 = ErrorOf([&] { LoadHfTensors(model, integer, "i.safetensors"); });
  EXPECT_TRUE(Contains(e4, "model.norm.weight")) << e4;
}

TEST(HfCheckpoint, HalfPrecisionCheckpointsLoadAsFloat32) {
  torch::NoGradGuard no_grad;
  ScratchDir scratch("transformer_bf16");
  const TransformerConfig config = TinyLlama(2, true);
  torch::manual_seed(9);
  Transformer model(config);
  std::map<std::string, torch::Tensor> bf16;
  for (const auto& [name, t] : HfTensorsForSave(model)) bf16[name] = t.to(torch::kBFloat16);
  WriteSafetensors(scratch / "model.safetensors", bf16);
  WriteText(scratch / "config.json", TransformerConfigToJson(config).dump());
  Transformer loaded = LoadHfTransformer(scratch.path());
  const auto params = loaded->HfParameters();
  const torch::Tensor w = params.at("model.layers.0.mlp.gate_proj.weight");
  EXPECT_EQ(w.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(w, bf16.at("model.layers.0.mlp.gate_proj.weight").to(torch::kFloat32)));
}

TEST(HfCheckpoint, MissingFilesAreErrors) {
  ScratchDir scratch("transformer_missing");
  const std::string e = ErrorOf([&] { LoadHfTransformer(scratch.path()); });
  EXPECT_TRUE(Contains(e, "model.safetensors")) << e;
}

}  // namespace
}  // namespace rlab::models
