// Value Augmented Sampling: its distribution is pi_base * exp(beta Q) renormalised (beta = 0
// is the base at its temperature; each pair of tokens' log-odds move by beta times their value
// gap), it never leaves the base's top-k, the value model starts at zero and its Monte-Carlo
// fit recovers the mean reward after each first token, and decoding with beta = 0 samples
// exactly what Generate samples.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "../models/transformer/tiny_configs.h"
#include "rlab/models/generation/generate.h"
#include "rlab/search/token_value.h"

namespace rlab::search::token_value_test {
namespace {

TEST(ValueAugmentedLogProbs, BetaZeroIsTheBaseAtItsTemperature) {
  const torch::Tensor logits = torch::tensor({{1.0, 2.0, -1.0, 0.5}});
  const torch::Tensor q = torch::tensor({{3.0, -2.0, 0.0, 1.0}});
  const torch::Tensor got = ValueAugmentedLogProbs(logits, q, 0.0, 0.5, 0);
  EXPECT_TRUE(torch::allclose(got, torch::log_softmax(logits / 0.5, -1)));
}

TEST(ValueAugmentedLogProbs, MoveEachPairsLogOddsByBetaTimesTheirValueGap) {
  const torch::Tensor logits = torch::tensor({{1.0, 2.0, -1.0, 0.5}});
  const torch::Tensor q = torch::tensor({{0.3, -0.2, 0.9, 0.0}});
  const double beta = 2.5, t = 0.7;
  const torch::Tensor got = ValueAugmentedLogProbs(logits, q, beta, t, 0)[0];
  const torch::Tensor base = torch::log_softmax(logits / t, -1)[0];
  EXPECT_NEAR(got.exp().sum().item<double>(), 1.0, 1e-6);
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      const double want =
          (base[a] - base[b]).item<double>() + beta * (q[0][a] - q[0][b]).item<double>();
      EXPECT_NEAR((got[a] - got[b]).item<double>(), want, 1e-5);
    }
  }
}

TEST(ValueAugmentedLogProbs, NeverLeaveTheBasesTopK) {
  const torch::Tensor logits = torch::tensor({{3.0, 2.0, -1.0, 0.5}});
  const torch::Tensor q = torch::tensor({{0.0, 0.0, 100.0, 0.0}});  // a huge value off the top 2
  const torch::Tensor got = ValueAugmentedLogProbs(logits, q, 10.0, 1.0, 2)[0];
  EXPECT_TRUE(std::isinf(got[2].item<double>()) && got[2].item<double>() < 0);
  EXPECT_TRUE(std::isinf(got[3].item<double>()));
  EXPECT_NEAR(got.exp().sum().item<double>(), 1.0, 1e-6);
}

TEST(TokenValueModel, StartsAtZeroAndFitsTheMeanRewardOfEachFirstToken) {
  torch::manual_seed(3);
  const models::Transformer base(models::testing::TinyGpt2());
  TokenValueModel value(base);
  // Samples of one prompt [1]: first token 5 earns 1 (always), first token 6 earns 1 half the
  // time; the second token is 7 in every sample.
  models::GenerationOutput out;
  out.prompts = models::LeftPad({{1}, {1}, {1}, {1}}, 0);
  out.tokens = torch::tensor({{5, 7}, {5, 7}, {6, 7}, {6, 7}}, torch::kInt64);
  out.mask = torch::ones({4, 2}, torch::kInt64);
  out.logprobs = torch::zeros({4, 2});
  const torch::Tensor rewards = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f});
  {
    torch::NoGradGuard no_grad;
    EXPECT_EQ(value->forward(out.prompts.ids).abs().max().item<double>(), 0.0);
  }
  at::Generator g = models::MakeGenerator(1);
  const std::vector<double> losses = FitTokenValue(value, {out, rewards}, 300, 4, 3e-3, g);
  EXPECT_LT(losses.back(), losses.front());
  torch::NoGradGuard no_grad;
  const torch::Tensor q = value->forward(out.prompts.ids.slice(0, 0, 1))[0][0];  // [V]
  EXPECT_NEAR(q[5].item<double>(), 1.0, 0.1);
  EXPECT_NEAR(q[6].item<double>(), 0.5, 0.1);
  EXPECT_EQ(q[8].item<double>(), 0.0);  // never taken: its head row and bias stay at zero
}

TEST(GenerateWithValue, BetaZeroSamplesExactlyWhatGenerateSamples) {
  torch::manual_seed(5);
  models::Transformer base(models::testing::TinyGpt2());
  {
    torch::NoGradGuard no_grad;
    for (auto& p : base->parameters()) p.mul_(20.0);  // peaked, seed-dependent distributions
  }
  base->eval();
  TokenValueModel value(base);
  value->eval();
  models::GenerationOptions options;
  options.max_new_tokens = 6;
  options.sampling.temperature = 0.8;
  const std::vector<std::vector<int64_t>> prompts = {{1, 2}, {3}};
  at::Generator g1 = models::MakeGenerator(9), g2 = models::MakeGenerator(9);
  const models::GenerationOutput want = models::Generate(base, prompts, options, g1);
  const models::GenerationOutput got = GenerateWithValue(base, value, 0.0, 0, prompts, options, g2);
  EXPECT_TRUE(torch::equal(got.tokens, want.tokens));
}

}  // namespace
}  // namespace rlab::search::token_value_test
