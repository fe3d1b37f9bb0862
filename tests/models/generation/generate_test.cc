// Batched generation: the KV cache changes nothing but speed, left padding changes nothing at
// all, stop tokens end rows, and the returned log-probabilities are the model's.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "../transformer/tiny_configs.h"
#include "rlab/models/generation/fused_decoder.h"
#include "rlab/models/generation/generate.h"
#include "test_support.h"

namespace rlab::models {
namespace {

using testing::TinyGpt2;
using testing::TinyLlama;

class GenerateTest : public ::testing::TestWithParam<TransformerConfig> {
 protected:
  GenerateTest() {
    torch::manual_seed(11);
    model_ = Transformer(GetParam());
    // Larger weights than the default N(0, 0.02), so that the logits are far from uniform and
    // sampling and greedy choices actually depend on the context.
    torch::NoGradGuard no_grad;
    for (auto& p : model_->parameters()) p.mul_(20.0);
    model_->eval();
  }
  Transformer model_{nullptr};
  const std::vector<std::vector<int64_t>> prompts_ = {{1, 5, 9}, {2}, {3, 4, 5, 6, 7}};
};

TEST_P(GenerateTest, CacheAndRecomputationAgree) {
  GenerationOptions o;
  o.max_new_tokens = 12;
  o.sampling.temperature = 0.0;
  at::Generator g1 = MakeGenerator(1), g2 = MakeGenerator(1);
  const GenerationOutput cached = Generate(model_, prompts_, o, g1);
  o.use_cache = false;
  const GenerationOutput recomputed = Generate(model_, prompts_, o, g2);
  EXPECT_TRUE(torch::equal(cached.tokens, recomputed.tokens));
  EXPECT_TRUE(torch::allclose(cached.logprobs, recomputed.logprobs, 1e-5, 1e-5));
}

TEST_P(GenerateTest, FusedAndLibtorchCachesAgree) {
  GenerationOptions o;
  o.max_new_tokens = 12;
  o.sampling = {.temperature = 0.9, .top_k = 0, .top_p = 1.0};
  at::Generator g1 = MakeGenerator(2), g2 = MakeGenerator(2);
  const GenerationOutput fused = Generate(model_, prompts_, o, g1);
  o.fused = false;
  const GenerationOutput libtorch = Generate(model_, prompts_, o, g2);
  EXPECT_TRUE(torch::equal(fused.tokens, libtorch.tokens));
  // The weights are scaled up (logits in the hundreds), so float rounding is relative.
  EXPECT_TRUE(torch::allclose(fused.logprobs, libtorch.logprobs, 1e-4, 1e-4))
      << (fused.logprobs - libtorch.logprobs).abs().max().item<double>();
}

TEST_P(GenerateTest, FusedDecoderLogitsMatchTheFullForwardPass) {
  // Left-padded prompts, then three steps in which row 1 has stopped (padding fed).
  const PaddedBatch batch = LeftPad(prompts_, 0);
  KvCache cache;
  torch::NoGradGuard no_grad;
  model_->Hidden(batch.ids, batch.mask, &cache);
  FusedDecoder decoder(model_, 3, batch.ids.size(1) + 3);
  decoder.LoadPrefill(cache, batch.mask);
  torch::Tensor ids = batch.ids, mask = batch.mask;
  const std::vector<std::vector<int64_t>> fed = {{4, 0, 7}, {2, 0, 1}, {9, 0, 3}};
  const std::vector<uint8_t> real = {1, 0, 1};
  const int64_t V = model_->config().vocab_size;
  for (const auto& step : fed) {
    torch::Tensor logits = torch::empty({3, V});
    decoder.Step(step, real, logits.data_ptr<float>());
    ids = torch::cat({ids, torch::tensor(step).unsqueeze(1)}, 1);
    mask = torch::cat({mask, torch::tensor({1L, 0L, 1L}).unsqueeze(1)}, 1);
    const torch::Tensor full = model_(ids, mask).select(1, ids.size(1) - 1);  // [3, V]
    for (int64_t b : {0, 2}) {
      EXPECT_LT((logits[b] - full[b]).abs().max().item<double>(),
                1e-4 * (1 + full[b].abs().max().item<double>()))
          << "row " << b;
    }
  }
  EXPECT_EQ(decoder.length(), ids.size(1));
}

TEST_P(GenerateTest, SampledCacheAndRecomputationAgree) {
  GenerationOptions o;
  o.max_new_tokens = 10;
  o.sampling = {.temperature = 0.8, .top_k = 10, .top_p = 0.9};
  at::Generator g1 = MakeGenerator(5), g2 = MakeGenerator(5);
  const GenerationOutput cached = Generate(model_, prompts_, o, g1);
  o.use_cache = false;
  const GenerationOutput recomputed = Generate(model_, prompts_, o, g2);
  EXPECT_TRUE(torch::equal(cached.tokens, recomputed.tokens));
  EXPECT_TRUE(torch::allclose(cached.logprobs, recomputed.logprobs, 1e-5, 1e-5));
}

TEST_P(GenerateTest, BatchingWithLeftPaddingMatchesOnePromptAtATime) {
  GenerationOptions o;
  o.max_new_tokens = 8;
  o.sampling.temperature = 0.0;
  at::Generator g = MakeGenerator(1);
  const GenerationOutput batched = Generate(model_, prompts_, o, g);
  for (std::size_t b = 0; b < prompts_.size(); ++b) {
    const GenerationOutput single = Generate(model_, {prompts_[b]}, o, g);
    EXPECT_EQ(batched.Completion(b), single.Completion(0)) << "prompt " << b;
    EXPECT_TRUE(torch::allclose(batched.logprobs[b], single.logprobs[0], 1e-5, 1e-5));
  }
}

TEST_P(GenerateTest, LogProbsAreTheModelsOnTheFullSequence) {
  GenerationOptions o;
  o.max_new_tokens = 6;
  o.sampling.temperature = 1.0;
  at::Generator g = MakeGenerator(9);
  const std::vector<int64_t> prompt = {3, 1, 4};
  const GenerationOutput out = Generate(model_, {prompt}, o, g);
  std::vector<int64_t> all = prompt;
  const std::vector<int64_t> completion = out.Completion(0);
  all.insert(all.end(), completion.begin(), completion.end());
  torch::NoGradGuard no_grad;
  const torch::Tensor logp = torch::log_softmax(model_(torch::tensor(all).unsqueeze(0)), -1)[0];
  for (std::size_t i = 0; i < completion.size(); ++i) {
    const int64_t pos = static_cast<int64_t>(prompt.size() + i) - 1;
    EXPECT_NEAR(out.logprobs[0][i].item<float>(), logp[pos][completion[i]].item<float>(), 1e-5);
  }
}

TEST_P(GenerateTest, StopTokensEndRowsAndPadTheRest) {
  // Greedy decoding of a row, then the token it emits third becomes a stop token.
  GenerationOptions o;
  o.max_new_tokens = 8;
  o.sampling.temperature = 0.0;
  at::Generator g = MakeGenerator(1);
  const GenerationOutput free_run = Generate(model_, prompts_, o, g);
  const int64_t stop = free_run.Completion(0)[2];
  o.stop_token_ids = {stop};
  o.pad_token_id = 0;
  const GenerationOutput out = Generate(model_, prompts_, o, g);
  for (int64_t b = 0; b < 3; ++b) {
    const std::vector<int64_t> ids = out.Completion(b);
    const std::vector<int64_t> full = free_run.Completion(b);
    // Each row is its free run cut just after the first stop token.
    const auto first_stop = std::find(full.begin(), full.end(), stop);
    const bool stops = first_stop != full.end();
    const auto cut = stops ? first_stop + 1 : full.end();
    EXPECT_EQ(ids, std::vector<int64_t>(full.begin(), cut)) << "row " << b;
    EXPECT_EQ(out.Stopped(b, o), stops) << "row " << b;
    for (int64_t t = static_cast<int64_t>(ids.size()); t < out.tokens.size(1); ++t) {
      EXPECT_EQ(out.tokens[b][t].item<int64_t>(), 0);
      EXPECT_EQ(out.logprobs[b][t].item<float>(), 0.0f);
    }
  }
  EXPECT_LE(out.Completion(0).size(), 3u);
}

TEST_P(GenerateTest, SameSeedSameSamples) {
  GenerationOptions o;
  o.max_new_tokens = 8;
  o.sampling.temperature = 50.0;  // near-uniform, so that different seeds must differ
  at::Generator g1 = MakeGenerator(4), g2 = MakeGenerator(4), g3 = MakeGenerator(5);
  const auto a = Generate(model_, prompts_, o, g1);
  const auto b = Generate(model_, prompts_, o, g2);
  const auto c = Generate(model_, prompts_, o, g3);
  EXPECT_TRUE(torch::equal(a.tokens, b.tokens));
  EXPECT_FALSE(torch::equal(a.tokens, c.tokens));
}

INSTANTIATE_TEST_SUITE_P(Families, GenerateTest, ::testing::Values(TinyGpt2(), TinyLlama()),
                         [](const auto& info) {
                           return info.param.arch == TransformerArch::kGpt2 ? "Gpt2" : "Llama";
                         });

TEST(Generate, RejectsAnEmptyPrompt) {
  torch::manual_seed(1);
  Transformer model(TinyLlama());
  GenerationOptions o;
  at::Generator g = MakeGenerator(1);
  EXPECT_NE(rlab::testing::ErrorOf([&] {
              Generate(model, {{1, 2}, {}}, o, g);
            }).find("prompt 1 is empty"),
            std::string::npos);
}

TEST(Generate, PastGpt2PositionTableIsRefusedNamingTheLimit) {
  Transformer model(TinyGpt2());  // max_position_embeddings 32
  GenerationOptions o;
  o.max_new_tokens = 30;
  at::Generator g = MakeGenerator(1);
  const std::string e = rlab::testing::ErrorOf([&] { Generate(model, {{1, 2, 3}}, o, g); });
  EXPECT_NE(e.find("needs 33 positions, more than the model's max_position_embeddings (32)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("lower max_new_tokens to at most 29"), std::string::npos) << e;
  o.max_new_tokens = 29;
  EXPECT_EQ(Generate(model, {{1, 2, 3}}, o, g).tokens.size(1), 29);
}

TEST(Generate, PastRotaryMaxPositionsWarnsOnceAndGenerates) {
  Transformer model(TinyLlama());  // max_position_embeddings 64
  model->eval();
  std::ostringstream log;
  const auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  GenerationOptions o;
  o.max_new_tokens = 62;
  at::Generator g = MakeGenerator(1);
  Generate(model, {{1, 2}}, o, g);  // 64 positions: within the limit
  EXPECT_EQ(log.str(), "");
  o.max_new_tokens = 70;
  const GenerationOutput out = Generate(model, {{1, 2}}, o, g);
  Generate(model, {{1, 2, 3}}, o, g);
  spdlog::set_default_logger(previous);
  EXPECT_EQ(out.tokens.size(1), 70);
  const std::string text = log.str();
  EXPECT_NE(text.find("reaches 72 positions, past the model's max_position_embeddings (64)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("max_position_embeddings", text.find("max_position_embeddings") + 1),
            std::string::npos)
      << text;  // once
}

}  // namespace
}  // namespace rlab::models
