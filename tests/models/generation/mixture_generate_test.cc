// Sampling from the geometric mixture of a policy and a reference: the mixture's
// log-probabilities are the normalised weighted geometric mean written out; alpha = 0 samples
// exactly what Generate samples from the policy, alpha = 1 what it samples from the reference;
// the first token's empirical distribution is the mixture of the two models' distributions;
// the two KV caches change nothing but speed; mismatched vocabularies and alphas outside [0, 1]
// are refused.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "../transformer/tiny_configs.h"
#include "rlab/core/check.h"
#include "rlab/models/generation/generate.h"
#include "rlab/models/generation/mixture_generate.h"
#include "test_support.h"

// A namespace of its own: the area's tests compile together (unity build).
namespace rlab::models::mixture_generate_test {
namespace {

using testing::TinyGpt2;
using testing::TinyLlama;

// A random model whose weights are scaled up, so that its next-token distributions are far from
// uniform and differ between seeds.
Transformer ScaledModel(const TransformerConfig& config, uint64_t seed, double scale) {
  torch::manual_seed(seed);
  Transformer model(config);
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.mul_(scale);
  model->eval();
  return model;
}

TEST(MixtureLogProbs, AreTheNormalisedWeightedGeometricMean) {
  const std::vector<double> p = {0.5, 0.25, 0.25}, r = {0.1, 0.1, 0.8};
  const torch::Tensor policy = torch::tensor(p).log().view({1, 3}) + 3.0;  // logits up to a shift
  const torch::Tensor reference = torch::tensor(r).log().view({1, 3}) - 1.0;
  for (const auto& [alpha, temperature] : std::vector<std::pair<double, double>>{
           {0.5, 1.0}, {0.25, 2.0}, {0.0, 1.0}, {1.0, 0.5}, {0.3, 0.0}}) {
    const double t = temperature > 0 ? temperature : 1.0;
    std::vector<double> q(3);
    double total = 0;
    for (int v = 0; v < 3; ++v) {
      total += q[v] = std::pow(p[v], (1 - alpha) / t) * std::pow(r[v], alpha / t);
    }
    const torch::Tensor got = MixtureLogProbs(policy, reference, alpha, temperature);
    for (int v = 0; v < 3; ++v) {
      EXPECT_NEAR(got[0][v].item<double>(), std::log(q[v] / total), 1e-5)
          << "alpha " << alpha << " temperature " << temperature << " token " << v;
    }
  }
}

class MixtureGenerateTest : public ::testing::TestWithParam<TransformerConfig> {
 protected:
  Transformer policy_ = ScaledModel(GetParam(), 11, 20.0);
  Transformer reference_ = ScaledModel(GetParam(), 12, 20.0);
  const std::vector<std::vector<int64_t>> prompts_ = {{1, 5, 9}, {2}, {3, 4, 5, 6, 7}};
};

GenerationOptions Sampled(double temperature) {
  GenerationOptions o;
  o.max_new_tokens = 10;
  o.sampling.temperature = temperature;
  o.stop_token_ids = {3};
  return o;
}

TEST_P(MixtureGenerateTest, AlphaZeroSamplesThePolicyAndAlphaOneTheReference) {
  for (const double temperature : {1.3, 0.0}) {
    const GenerationOptions o = Sampled(temperature);
    at::Generator g1 = MakeGenerator(7), g2 = MakeGenerator(7), g3 = MakeGenerator(7),
                  g4 = MakeGenerator(7);
    const GenerationOutput policy = Generate(policy_, prompts_, o, g1);
    const GenerationOutput as_policy =
        GenerateFromMixture(policy_, reference_, 0.0, prompts_, o, g2);
    EXPECT_TRUE(torch::equal(policy.tokens, as_policy.tokens)) << "temperature " << temperature;
    EXPECT_TRUE(torch::equal(policy.mask, as_policy.mask));
    EXPECT_TRUE(torch::allclose(policy.logprobs, as_policy.logprobs, 1e-4, 1e-4));
    const GenerationOutput reference = Generate(reference_, prompts_, o, g3);
    const GenerationOutput as_reference =
        GenerateFromMixture(policy_, reference_, 1.0, prompts_, o, g4);
    EXPECT_TRUE(torch::equal(reference.tokens, as_reference.tokens))
        << "temperature " << temperature;
    EXPECT_TRUE(torch::allclose(reference.logprobs, as_reference.logprobs, 1e-4, 1e-4));
  }
}

TEST_P(MixtureGenerateTest, BothCachesAgreeWithRecomputation) {
  GenerationOptions o = Sampled(1.0);
  at::Generator g1 = MakeGenerator(3), g2 = MakeGenerator(3), g3 = MakeGenerator(3);
  const GenerationOutput fused = GenerateFromMixture(policy_, reference_, 0.4, prompts_, o, g1);
  o.fused = false;
  const GenerationOutput libtorch = GenerateFromMixture(policy_, reference_, 0.4, prompts_, o, g2);
  o.use_cache = false;
  const GenerationOutput recomputed =
      GenerateFromMixture(policy_, reference_, 0.4, prompts_, o, g3);
  EXPECT_TRUE(torch::equal(fused.tokens, libtorch.tokens));
  EXPECT_TRUE(torch::equal(fused.tokens, recomputed.tokens));
  // The weights are scaled up (logits in the hundreds), so float rounding is relative.
  EXPECT_LT((fused.logprobs - recomputed.logprobs).abs().max().item<double>(), 1e-3);
}

TEST_P(MixtureGenerateTest, FirstTokensFollowTheMixtureOfTheTwoModels) {
  // Milder weights, so that several tokens have visible probability under both models.
  Transformer policy = ScaledModel(GetParam(), 21, 6.0),
              reference = ScaledModel(GetParam(), 22, 6.0);
  const std::vector<int64_t> prompt = {1, 5, 9};
  const int64_t rows = 2000;  // the frequencies within about 0.011 (one sd)
  const double alpha = 0.4;
  GenerationOptions o;
  o.max_new_tokens = 1;
  at::Generator g = MakeGenerator(5);
  const GenerationOutput out = GenerateFromMixture(
      policy, reference, alpha, std::vector<std::vector<int64_t>>(rows, prompt), o, g);
  torch::NoGradGuard no_grad;
  const torch::Tensor ids = torch::tensor(prompt).view({1, -1});
  const auto next_logits = [&](Transformer& m) {
    const torch::Tensor hidden = m->Hidden(ids);
    return m->Logits(hidden.select(1, hidden.size(1) - 1));  // [1, V]
  };
  const torch::Tensor p = torch::softmax(next_logits(policy), -1)[0].to(torch::kFloat64);
  const torch::Tensor r = torch::softmax(next_logits(reference), -1)[0].to(torch::kFloat64);
  torch::Tensor want = p.pow(1 - alpha) * r.pow(alpha);
  want = want / want.sum();
  const int64_t V = GetParam().vocab_size;
  const torch::Tensor counts =
      torch::bincount(out.tokens.select(1, 0), {}, V).to(torch::kFloat64) / rows;
  EXPECT_LT((counts - want).abs().max().item<double>(), 0.04);
  // The mixture differs from both models by far more: sampling either one would fail.
  EXPECT_GT((p - want).abs().max().item<double>(), 0.15);
  EXPECT_GT((r - want).abs().max().item<double>(), 0.15);
}

INSTANTIATE_TEST_SUITE_P(Families, MixtureGenerateTest, ::testing::Values(TinyGpt2(), TinyLlama()),
                         [](const auto& info) {
                           return info.param.arch == TransformerArch::kGpt2 ? "Gpt2" : "Llama";
                         });

TEST(MixtureGenerate, MismatchedVocabulariesAndAlphaOutsideTheUnitIntervalAreRefused) {
  Transformer gpt2 = ScaledModel(TinyGpt2(), 1, 1.0), llama = ScaledModel(TinyLlama(), 1, 1.0);
  GenerationOptions o;
  o.max_new_tokens = 2;
  at::Generator g = MakeGenerator(1);
  const std::vector<std::vector<int64_t>> prompts = {{1, 2}};
  EXPECT_TRUE(rlab::testing::Contains(
      rlab::testing::ErrorOf([&] { GenerateFromMixture(gpt2, llama, 0.5, prompts, o, g); }),
      "vocabulary"));
  EXPECT_TRUE(rlab::testing::Contains(
      rlab::testing::ErrorOf([&] { GenerateFromMixture(gpt2, gpt2, 1.5, prompts, o, g); }),
      "alpha must be in [0, 1]"));
}

}  // namespace
}  // namespace rlab::models::mixture_generate_test
