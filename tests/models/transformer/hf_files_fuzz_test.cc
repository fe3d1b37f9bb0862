// Fuzzing a Hugging Face model directory's JSON files: config.json and the sharded weights'
// model.safetensors.index.json. Each mutant loads or fails with an rlab::Error; a small file
// cannot make the loader allocate a large model before it checks the weights.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "rlab/models/safetensors/writer.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "test_support.h"
#include "tiny_configs.h"

namespace rlab::models {
namespace {

using rlab::testing::Fuzz;
using rlab::testing::ScratchDir;
using rlab::testing::WriteText;

const std::vector<std::string> kConfigDictionary{"\"model_type\"",
                                                 "\"gpt2\"",
                                                 "\"llama\"",
                                                 "\"vocab_size\"",
                                                 "\"n_embd\"",
                                                 "\"n_layer\"",
                                                 "\"n_head\"",
                                                 "\"n_positions\"",
                                                 "\"hidden_size\"",
                                                 "\"num_hidden_layers\"",
                                                 "\"num_attention_heads\"",
                                                 "\"num_key_value_heads\"",
                                                 "\"intermediate_size\"",
                                                 "\"tie_word_embeddings\"",
                                                 "\"rope_theta\"",
                                                 "\"weight_map\"",
                                                 "\"metadata\"",
                                                 "\"model-00001-of-00002.safetensors\"",
                                                 "\"../model.safetensors\"",
                                                 "1000000",
                                                 "65536"};

TEST(HfFilesFuzz, MutatedConfigJsonLoadsOrFailsCleanly) {
  torch::set_num_threads(1);
  ScratchDir dir("hf-config-fuzz");
  SaveHfTransformer(Transformer(testing::TinyGpt2()), dir.path());
  ScratchDir llama("hf-config-fuzz-llama");
  SaveHfTransformer(Transformer(testing::TinyLlama()), llama.path());
  const std::string gpt2_config = rlab::testing::ReadText(dir / "config.json");
  const std::string llama_config = rlab::testing::ReadText(llama / "config.json");
  rlab::testing::ExpectNoFaults(
      Fuzz({.name = "hf-config",
            .seeds = {gpt2_config, llama_config},
            .dictionary = kConfigDictionary,
            .cases = 400,
            .memory_budget_mb = 512},
           [&](const std::string& text) {
             // A mutant that names llama's fields loads against llama's weights, and gpt2's against
             // gpt2's, so that both kinds get past the shape checks sometimes.
             const bool is_llama = text.find("\"llama\"") != std::string::npos;
             const ScratchDir& target = is_llama ? llama : dir;
             WriteText(target / "config.json", text);
             (void)LoadHfTransformer(target.path());
           }));
}

TEST(HfFilesFuzz, MutatedShardIndexLoadsOrFailsCleanly) {
  torch::set_num_threads(1);
  ScratchDir dir("hf-index-fuzz");
  const Transformer model(testing::TinyGpt2());
  const std::map<std::string, torch::Tensor> tensors = HfTensorsForSave(model);
  // The first half of the tensors in one shard, the rest in another.
  std::map<std::string, torch::Tensor> shards[2];
  nlohmann::json weight_map = nlohmann::json::object();
  size_t i = 0;
  for (const auto& [name, tensor] : tensors) {
    const int shard = i++ < tensors.size() / 2 ? 0 : 1;
    shards[shard][name] = tensor;
    weight_map[name] = fmt::format("model-0000{}-of-00002.safetensors", shard + 1);
  }
  for (int shard = 0; shard < 2; ++shard) {
    WriteSafetensors(dir / fmt::format("model-0000{}-of-00002.safetensors", shard + 1),
                     shards[shard]);
  }
  const nlohmann::json index{{"metadata", {{"total_size", 1234}}}, {"weight_map", weight_map}};
  rlab::testing::ExpectNoFaults(Fuzz({.name = "hf-index",
                                      .seeds = {index.dump(2), index.dump()},
                                      .dictionary = kConfigDictionary,
                                      .cases = 400,
                                      .memory_budget_mb = 512},
                                     [&](const std::string& text) {
                                       WriteText(dir / "model.safetensors.index.json", text);
                                       (void)ReadHfWeights(dir.path());
                                     }));
}

TEST(HfFiles, AConfigImplyingMoreParametersThanTheWeightsIsRefusedBeforeAllocating) {
  ScratchDir dir("hf-config-too-large");
  SaveHfTransformer(Transformer(testing::TinyGpt2()), dir.path());
  nlohmann::json config = nlohmann::json::parse(rlab::testing::ReadText(dir / "config.json"));
  config["n_embd"] = 1 << 20;  // 4 n_embd^2 per layer: terabytes, from a 300-byte file
  config["n_head"] = 1;
  WriteText(dir / "config.json", config.dump());
  const std::string e = rlab::testing::ErrorOf([&] { (void)LoadHfTransformer(dir.path()); });
  EXPECT_TRUE(rlab::testing::Contains(e, "config.json implies at least")) << e;
  EXPECT_TRUE(rlab::testing::Contains(e, "does not belong to these weights")) << e;
}

}  // namespace
}  // namespace rlab::models
