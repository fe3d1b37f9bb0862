// Behaviour of the decoder-only transformer on small random models: causality, the KV cache,
// padding on either side, and grouped-query attention.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "numeric_support.h"
#include "rlab/core/check.h"
#include "rlab/models/transformer/transformer.h"
#include "tiny_configs.h"

namespace rlab::models {
namespace {

using rlab::testing::MaxAbsDiff;

using testing::TinyGpt2;
using testing::TinyLlama;

// Both families, and Llama with and without grouped-query attention and tying.
std::vector<TransformerConfig> AllConfigs() {
  return {TinyGpt2(), TinyLlama(/*kv_heads=*/2), TinyLlama(/*kv_heads=*/4, /*tied=*/true),
          TinyLlama(/*kv_heads=*/1)};
}

std::string Describe(const TransformerConfig& c) {
  return std::string(ArchName(c.arch)) + " kv_heads=" + std::to_string(c.num_kv_heads);
}

Transformer MakeModel(const TransformerConfig& config, uint64_t seed = 7) {
  torch::manual_seed(seed);
  Transformer model(config);
  model->eval();
  return model;
}

torch::Tensor IdTensor(std::vector<int64_t> ids) {
  const int64_t n = static_cast<int64_t>(ids.size());
  return torch::tensor(ids, torch::kInt64).view({1, n});  // [1, T]
}

TEST(Transformer, LogitsHaveShapeBTV) {
  torch::NoGradGuard no_grad;
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    const torch::Tensor ids = torch::randint(config.vocab_size, {3, 5}, torch::kInt64);
    const torch::Tensor logits = model(ids);
    EXPECT_EQ(logits.sizes().vec(), (std::vector<int64_t>{3, 5, config.vocab_size}))
        << Describe(config);
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>()) << Describe(config);
  }
}

TEST(Transformer, AFutureTokenNeverChangesEarlierLogits) {
  torch::NoGradGuard no_grad;
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    const torch::Tensor a = IdTensor({3, 9, 1, 4, 7, 2});
    torch::Tensor b = a.clone();
    b.index_put_({0, 5}, 11);  // a different last token
    torch::Tensor c = a.clone();
    c.index_put_({0, 3}, 30);                                         // a different middle token
    const torch::Tensor la = model(a), lb = model(b), lc = model(c);  // [1, 6, V]
    EXPECT_LT(MaxAbsDiff(la.slice(1, 0, 5), lb.slice(1, 0, 5)), 1e-6) << Describe(config);
    EXPECT_LT(MaxAbsDiff(la.slice(1, 0, 3), lc.slice(1, 0, 3)), 1e-6) << Describe(config);
    // ... while the changed position and those after it do change.
    EXPECT_GT(MaxAbsDiff(la.slice(1, 5), lb.slice(1, 5)), 1e-4) << Describe(config);
    EXPECT_GT(MaxAbsDiff(la.slice(1, 3), lc.slice(1, 3)), 1e-4) << Describe(config);
  }
}

TEST(Transformer, CachedLogitsEqualFullRecomputation) {
  torch::NoGradGuard no_grad;
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    const torch::Tensor ids = torch::randint(config.vocab_size, {2, 9}, torch::kInt64);  // [B, T]
    const torch::Tensor full = model(ids);  // [B, T, V]
    KvCache cache;
    std::vector<torch::Tensor> pieces{model(ids.slice(1, 0, 4), torch::Tensor(), &cache)};
    EXPECT_EQ(cache.Length(), 4);
    for (int64_t t = 4; t < 9; ++t) {
      pieces.push_back(model(ids.slice(1, t, t + 1), torch::Tensor(), &cache));
    }
    EXPECT_EQ(cache.Length(), 9);
    ASSERT_EQ(static_cast<int64_t>(cache.keys.size()), config.num_layers);
    EXPECT_EQ(cache.keys[0].sizes().vec(),
              (std::vector<int64_t>{2, config.num_kv_heads, 9, config.head_dim()}));
    EXPECT_LT(MaxAbsDiff(torch::cat(pieces, 1), full), 1e-5) << Describe(config);
  }
}

// Each row of a padded batch gives, at its real positions, the logits it gets alone.
void CheckPadding(bool left) {
  torch::NoGradGuard no_grad;
  const std::vector<std::vector<int64_t>> rows{{5, 8, 2, 9, 4}, {7, 3, 6}, {1}};
  const int64_t width = 5, pad = 0;
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    torch::Tensor ids = torch::full({3, width}, pad, torch::kInt64);  // [B, T]
    torch::Tensor mask = torch::zeros({3, width}, torch::kInt64);     // [B, T]
    for (int64_t b = 0; b < 3; ++b) {
      const int64_t n = static_cast<int64_t>(rows[b].size());
      const int64_t start = left ? width - n : 0;
      ids.slice(1, start, start + n)[b].copy_(torch::tensor(rows[b], torch::kInt64));
      mask.slice(1, start, start + n)[b].fill_(1);
    }
    const torch::Tensor batch = model(ids, mask);  // [B, T, V]
    EXPECT_TRUE(torch::isfinite(batch).all().item<bool>()) << Describe(config);
    for (int64_t b = 0; b < 3; ++b) {
      const int64_t n = static_cast<int64_t>(rows[b].size());
      const int64_t start = left ? width - n : 0;
      const torch::Tensor alone = model(IdTensor(rows[b]))[0];  // [n, V]
      EXPECT_LT(MaxAbsDiff(batch[b].slice(0, start, start + n), alone), 1e-5)
          << Describe(config) << " row " << b;
    }
  }
}

TEST(Transformer, LeftPaddedBatchMatchesUnpaddedSequences) { CheckPadding(/*left=*/true); }
TEST(Transformer, RightPaddedBatchMatchesUnpaddedSequences) { CheckPadding(/*left=*/false); }

TEST(Transformer, LeftPaddedPrefillThenCachedStepsMatchUnpadded) {
  torch::NoGradGuard no_grad;
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    // Row 0: 4 prompt tokens; row 1: 2 prompt tokens, left-padded by 2. Then 3 steps.
    const torch::Tensor prompt = torch::tensor({{4, 9, 6, 2}, {0, 0, 8, 3}}, torch::kInt64);
    torch::Tensor mask = torch::tensor({{1, 1, 1, 1}, {0, 0, 1, 1}}, torch::kInt64);
    const torch::Tensor steps = torch::tensor({{5, 1, 7}, {2, 2, 9}}, torch::kInt64);  // [B, 3]
    KvCache cache;
    std::vector<torch::Tensor> outs{model(prompt, mask, &cache)};
    for (int64_t t = 0; t < 3; ++t) {
      mask = torch::cat({mask, torch::ones({2, 1}, torch::kInt64)}, 1);  // [B, S]
      outs.push_back(model(steps.slice(1, t, t + 1), mask, &cache));
    }
    const torch::Tensor batch = torch::cat(outs, 1);  // [B, 7, V]
    const torch::Tensor row0 = model(torch::cat({prompt[0], steps[0]}).unsqueeze(0))[0];
    const torch::Tensor row1 = model(torch::cat({prompt[1].slice(0, 2), steps[1]}).unsqueeze(0))[0];
    EXPECT_LT(MaxAbsDiff(batch[0], row0), 1e-5) << Describe(config);
    EXPECT_LT(MaxAbsDiff(batch[1].slice(0, 2), row1), 1e-5) << Describe(config);
  }
}

// Grouped-query attention equals multi-head attention whose key/value heads are copies: query
// head h reads key/value head h / (H / Hkv).
TEST(Transformer, GroupedQueryAttentionEqualsRepeatedKeyValueHeads) {
  torch::NoGradGuard no_grad;
  const TransformerConfig gqa_config = TinyLlama(/*kv_heads=*/2);
  TransformerConfig mha_config = gqa_config;
  mha_config.num_kv_heads = gqa_config.num_heads;
  Transformer gqa = MakeModel(gqa_config, 3);
  Transformer mha = MakeModel(mha_config, 4);
  const int64_t group = gqa_config.num_heads / gqa_config.num_kv_heads;
  const int64_t Dh = gqa_config.head_dim(), d = gqa_config.hidden_size;
  auto target = mha->HfParameters();
  for (const auto& [name, tensor] : gqa->HfParameters()) {
    if (name.ends_with("k_proj.weight") || name.ends_with("v_proj.weight")) {
      // [Hkv * Dh, d] -> [H * Dh, d], each key/value head repeated `group` times in a row.
      const torch::Tensor heads = tensor.view({gqa_config.num_kv_heads, 1, Dh, d});
      target.at(name).copy_(heads.expand({gqa_config.num_kv_heads, group, Dh, d}).reshape({-1, d}));
    } else {
      target.at(name).copy_(tensor);
    }
  }
  const torch::Tensor ids = torch::randint(gqa_config.vocab_size, {2, 7}, torch::kInt64);
  const torch::Tensor a = gqa(ids), b = mha(ids);
  EXPECT_LT(MaxAbsDiff(a, b), 1e-5);
  EXPECT_EQ(gqa->HfParameters().at("model.layers.0.self_attn.k_proj.weight").size(0),
            gqa_config.num_kv_heads * Dh);
}

TEST(Transformer, BadInputsAreErrors) {
  Transformer model = MakeModel(TinyLlama());
  EXPECT_THROW(model(torch::zeros({2, 3}, torch::kFloat32)), rlab::Error);
  EXPECT_THROW(model(torch::zeros({2, 3}, torch::kInt64), torch::ones({2, 4})), rlab::Error);
  Transformer gpt2 = MakeModel(TinyGpt2());
  EXPECT_THROW(gpt2(torch::zeros({1, 33}, torch::kInt64)), rlab::Error);  // 32 positions
}

TEST(Transformer, GradientsReachEveryParameter) {
  for (const auto& config : AllConfigs()) {
    Transformer model = MakeModel(config);
    const torch::Tensor ids = torch::randint(config.vocab_size, {2, 6}, torch::kInt64);
    model(ids).logsumexp(-1).sum().backward();
    for (const auto& p : model->named_parameters()) {
      ASSERT_TRUE(p.value().grad().defined()) << Describe(config) << " " << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0)
          << Describe(config) << " " << p.key();
    }
  }
}

}  // namespace
}  // namespace rlab::models
