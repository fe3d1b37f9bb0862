// Generation from a real pretrained model (stories260K, ../shared/data): greedy and sampled
// decoding from BOS give the same tokens with and without the KV cache over 64 new tokens.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <set>

#include "rlab/models/generation/generate.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "../stories260k.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;

TEST(GenerationRealData, Stories260KSameTokensWithAndWithoutTheCache) {
  if (!fs::exists(testing::Stories260KDir() / "model.safetensors")) {
    GTEST_SKIP() << "stories260K is not in " << testing::Stories260KDir().string()
                 << "; this test needs ../shared/data";
  }
  Transformer model = LoadHfTransformer(testing::Stories260KDir());
  model->eval();
  for (const double temperature : {0.0, 1.0}) {
    GenerationOptions o;
    o.max_new_tokens = 64;
    o.sampling.temperature = temperature;
    o.stop_token_ids = {2};  // llama2.c's EOS
    // Four rows from BOS (1), two with a longer prompt, so left padding is exercised.
    const std::vector<std::vector<int64_t>> prompts = {{1}, {1}, {1, 403, 407}, {1, 403}};
    at::Generator g1 = MakeGenerator(3), g2 = MakeGenerator(3);
    const GenerationOutput cached = Generate(model, prompts, o, g1);
    o.use_cache = false;
    const GenerationOutput full = Generate(model, prompts, o, g2);
    EXPECT_TRUE(torch::equal(cached.tokens, full.tokens)) << "temperature " << temperature;
    EXPECT_LT((cached.logprobs - full.logprobs).abs().max().item<double>(), 1e-4);
    const std::vector<int64_t> first = cached.Completion(0);
    EXPECT_GT(std::set<int64_t>(first.begin(), first.end()).size(), 5u);
  }
}

}  // namespace
}  // namespace rlab::models
