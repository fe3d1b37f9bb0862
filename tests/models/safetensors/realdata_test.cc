// A real pretrained checkpoint (stories260K, a tiny Llama in the Hugging Face layout) reads
// with the shapes its config.json implies, and survives a write and re-read unchanged.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "rlab/models/safetensors/reader.h"
#include "rlab/models/safetensors/writer.h"
#include "test_support.h"
#include "../stories260k.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;

TEST(SafetensorsRealData, Stories260KLoadsWithTheConfiguredShapes) {
  const fs::path dir = testing::Stories260KDir();
  if (!fs::exists(dir / "model.safetensors")) {
    GTEST_SKIP() << "stories260K is not in " << dir.string() << "; this test needs ../shared/data";
  }
  const auto config = nlohmann::json::parse(ReadFile(dir / "config.json"));
  const int64_t width = config.at("hidden_size");
  const int64_t layers = config.at("num_hidden_layers");
  const int64_t vocab = config.at("vocab_size");
  const int64_t ffn = config.at("intermediate_size");
  const int64_t kv_width = width / config.at("num_attention_heads").get<int64_t>() *
                           config.at("num_key_value_heads").get<int64_t>();
  EXPECT_EQ(width, 64);
  EXPECT_EQ(layers, 5);
  EXPECT_EQ(vocab, 512);

  const SafetensorsContents model = ReadSafetensors(dir / "model.safetensors");
  // Embeddings and final norm, then nine tensors per layer (tied output embedding).
  EXPECT_EQ(model.tensors.size(), static_cast<size_t>(2 + 9 * layers));
  const auto shape_of = [&](const std::string& name) {
    const auto it = model.tensors.find(name);
    EXPECT_NE(it, model.tensors.end()) << name << " is missing";
    return it == model.tensors.end() ? std::vector<int64_t>{} : it->second.sizes().vec();
  };
  using Shape = std::vector<int64_t>;
  EXPECT_EQ(shape_of("model.embed_tokens.weight"), (Shape{vocab, width}));
  EXPECT_EQ(shape_of("model.norm.weight"), (Shape{width}));
  for (int64_t layer = 0; layer < layers; ++layer) {
    const std::string prefix = "model.layers." + std::to_string(layer) + ".";
    EXPECT_EQ(shape_of(prefix + "input_layernorm.weight"), (Shape{width}));
    EXPECT_EQ(shape_of(prefix + "self_attn.q_proj.weight"), (Shape{width, width}));
    EXPECT_EQ(shape_of(prefix + "self_attn.k_proj.weight"), (Shape{kv_width, width}));
    EXPECT_EQ(shape_of(prefix + "self_attn.v_proj.weight"), (Shape{kv_width, width}));
    EXPECT_EQ(shape_of(prefix + "self_attn.o_proj.weight"), (Shape{width, width}));
    EXPECT_EQ(shape_of(prefix + "mlp.gate_proj.weight"), (Shape{ffn, width}));
    EXPECT_EQ(shape_of(prefix + "mlp.up_proj.weight"), (Shape{ffn, width}));
    EXPECT_EQ(shape_of(prefix + "mlp.down_proj.weight"), (Shape{width, ffn}));
  }
  for (const auto& [name, tensor] : model.tensors) {
    EXPECT_EQ(tensor.scalar_type(), torch::kFloat32) << name;
    EXPECT_TRUE(torch::isfinite(tensor).all().item<bool>()) << name;
  }
  // Trained weights, not zeros: the RMSNorm gains are not all 1 either.
  EXPECT_GT(model.tensors.at("model.embed_tokens.weight").abs().sum().item<float>(), 0.0f);
  EXPECT_FALSE(torch::allclose(model.tensors.at("model.norm.weight"), torch::ones({width})));

  // The header alone agrees with the full read.
  const SafetensorsHeader header = ReadSafetensorsHeader(dir / "model.safetensors");
  ASSERT_EQ(header.entries.size(), model.tensors.size());
  for (const SafetensorsEntry& entry : header.entries) {
    EXPECT_EQ(entry.shape, model.tensors.at(entry.name).sizes().vec()) << entry.name;
  }

  // Written by us and read back, every tensor is bit-identical.
  rlab::testing::ScratchDir scratch("safetensors-stories260k");
  WriteSafetensors(scratch / "model.safetensors", model.tensors, model.metadata);
  const SafetensorsContents again = ReadSafetensors(scratch / "model.safetensors");
  ASSERT_EQ(again.tensors.size(), model.tensors.size());
  for (const auto& [name, tensor] : model.tensors) {
    EXPECT_TRUE(torch::equal(tensor, again.tensors.at(name))) << name;
  }
}

}  // namespace
}  // namespace rlab::models
