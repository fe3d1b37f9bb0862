// Presets, model directories with their tokenizer, sharded checkpoints, and the token
// log-probabilities every trainer is built on.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "rlab/models/optim/lr_schedule.h"
#include "rlab/models/safetensors/writer.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/models/transformer/token_logprobs.h"
#include "test_support.h"
#include "tiny_configs.h"

namespace rlab::models {
namespace {

using rlab::testing::ErrorOf;
using rlab::testing::ScratchDir;

int64_t Parameters(const Transformer& m) {
  int64_t n = 0;
  for (const auto& p : m->parameters()) n += p.numel();
  return n;
}

TEST(Presets, SizesAreAsAdvertised) {
  const int64_t vocab = ByteTokenizer().vocab_size();
  const std::map<std::string, std::pair<double, double>> expected = {
      {"tiny", {0.4e6, 0.5e6}}, {"small", {2.2e6, 2.6e6}}, {"medium", {10.4e6, 11.0e6}}};
  for (const ModelPreset& p : ModelPresets()) {
    const auto config = FindPreset(p.name, vocab);
    ASSERT_TRUE(config.has_value());
    const int64_t n = Parameters(Transformer(*config));
    EXPECT_GE(n, expected.at(p.name).first) << p.name;
    EXPECT_LE(n, expected.at(p.name).second) << p.name;
  }
  EXPECT_FALSE(FindPreset("huge", vocab).has_value());
}

TEST(LanguageModel, PresetSavesAndReopensWithItsTokenizer) {
  ScratchDir dir("language_model");
  LanguageModel lm = OpenLanguageModel("tiny", 3);
  ASSERT_NE(dynamic_cast<const ByteTokenizer*>(lm.tokenizer.get()), nullptr);
  SaveLanguageModel(lm, dir / "m");
  LanguageModel back = OpenLanguageModel((dir / "m").string(), 99);
  ASSERT_NE(back.tokenizer, nullptr);
  EXPECT_EQ(back.tokenizer->vocab_size(), lm.tokenizer->vocab_size());
  EXPECT_EQ(back.tokenizer->eos_id(), lm.tokenizer->eos_id());
  EXPECT_EQ(back.tokenizer->Encode("12+3="), lm.tokenizer->Encode("12+3="));
  const torch::Tensor ids = torch::tensor({{257, 49, 50, 43}});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(lm.model(ids), back.model(ids)));
  // The same seed gives the same preset weights; another seed others.
  EXPECT_TRUE(torch::equal(OpenLanguageModel("preset:tiny", 3).model(ids), lm.model(ids)));
  EXPECT_FALSE(torch::equal(OpenLanguageModel("preset:tiny", 4).model(ids), lm.model(ids)));
}

TEST(LanguageModel, UnknownModelListsPresets) {
  const std::string err = ErrorOf([] { OpenLanguageModel("no-such-model", 1); });
  EXPECT_NE(err.find("tiny, small, medium"), std::string::npos) << err;
}

TEST(HfWeights, ShardedCheckpointLoads) {
  ScratchDir dir("sharded");
  torch::manual_seed(2);
  Transformer model(testing::TinyLlama());
  SaveHfTransformer(model, dir.path());
  // Split the single file into two shards and an index, as Hugging Face does for big models.
  const auto tensors = HfTensorsForSave(model);
  std::map<std::string, torch::Tensor> first, second;
  nlohmann::json index = {{"metadata", nlohmann::json::object()},
                          {"weight_map", nlohmann::json::object()}};
  int i = 0;
  for (const auto& [name, t] : tensors) {
    const bool in_first = (i++ % 2) == 0;
    (in_first ? first : second)[name] = t;
    index["weight_map"][name] =
        in_first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  WriteSafetensors(dir / "model-00001-of-00002.safetensors", first);
  WriteSafetensors(dir / "model-00002-of-00002.safetensors", second);
  std::filesystem::remove(dir / "model.safetensors");
  rlab::testing::WriteText(dir / "model.safetensors.index.json", index.dump());
  Transformer back = LoadHfTransformer(dir.path());
  const torch::Tensor ids = torch::tensor({{1, 2, 3}});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model(ids), back(ids)));

  // An index that points a tensor at the wrong shard is an error naming both.
  const std::string moved = tensors.begin()->first;
  index["weight_map"][moved] = index["weight_map"][moved] == "model-00001-of-00002.safetensors"
                                   ? "model-00002-of-00002.safetensors"
                                   : "model-00001-of-00002.safetensors";
  rlab::testing::WriteText(dir / "model.safetensors.index.json", index.dump());
  const std::string err = ErrorOf([&] { LoadHfTransformer(dir.path()); });
  EXPECT_NE(err.find(moved), std::string::npos) << err;
  EXPECT_NE(err.find("does not hold it"), std::string::npos) << err;
}

TEST(TokenLogProbs, MatchHandComputation) {
  torch::manual_seed(4);
  const torch::Tensor logits = torch::randn({2, 4, 5}, torch::kFloat64);
  const torch::Tensor ids = torch::tensor({{0, 3, 1, 4}, {2, 2, 0, 1}});
  const torch::Tensor lp = NextTokenLogProbs(logits, ids);  // [2, 3]
  double masked_sum = 0.0;
  const torch::Tensor mask = torch::tensor({{0., 1., 0., 1.}, {0., 1., 1., 1.}}, torch::kFloat64);
  for (int b = 0; b < 2; ++b) {
    for (int t = 0; t < 3; ++t) {
      const auto row = logits[b][t];
      const double expected =
          row[ids[b][t + 1].item<int64_t>()].item<double>() - row.exp().sum().log().item<double>();
      EXPECT_NEAR(lp[b][t].item<double>(), expected, 1e-12);
      masked_sum -= expected * mask[b][t + 1].item<double>();
    }
  }
  EXPECT_NEAR(MaskedNllSum(logits, ids, mask).item<double>(), masked_sum, 1e-12);
}

TEST(LrSchedule, WarmupThenCosineToTheFloor) {
  EXPECT_DOUBLE_EQ(WarmupCosineFactor(0, 100, 10, 0.1), 0.0);
  EXPECT_DOUBLE_EQ(WarmupCosineFactor(5, 100, 10, 0.1), 0.5);
  EXPECT_DOUBLE_EQ(WarmupCosineFactor(10, 100, 10, 0.1), 1.0);
  EXPECT_NEAR(WarmupCosineFactor(55, 100, 10, 0.1), 0.1 + 0.9 * 0.5, 1e-12);
  EXPECT_NEAR(WarmupCosineFactor(100, 100, 10, 0.1), 0.1, 1e-12);
  EXPECT_NEAR(WarmupCosineFactor(100, 100, 0, 0.0), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(WarmupCosineFactor(0, 100, 0, 0.0), 1.0);
}

}  // namespace
}  // namespace rlab::models
