// PPO's critic side for language models: the score lands on each row's last completion token;
// GAE over tokens matches a hand computation and never bootstraps past a row's end;
// whitening is over the mask only; the clipped value loss is its closed form; the critic's
// value of completion token j is the value model read at the end of prompt + completion[<j].
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/models/transformer/presets.h"
#include "rlab/rl/lm_ppo.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

void ExpectRow(const torch::Tensor& got, int64_t row, const std::vector<double>& want) {
  for (size_t j = 0; j < want.size(); ++j) {
    EXPECT_NEAR(got[row][j].item<double>(), want[j], 1e-5) << "row " << row << " token " << j;
  }
}

TEST(LmPpo, ScoreOnTheLastTokenPlusPenalty) {
  const torch::Tensor mask = torch::tensor({1, 1, 1, 1, 0, 0}, torch::kLong).reshape({2, 3});
  const torch::Tensor penalty = torch::full({2, 3}, -0.1);
  const torch::Tensor r = TokenRewards(torch::tensor({2.0, 5.0}), mask, penalty);
  ExpectRow(r, 0, {-0.1, -0.1, 1.9});
  ExpectRow(r, 1, {4.9, 0.0, 0.0});
  ExpectRow(TokenRewards(torch::tensor({2.0, 5.0}), mask), 1, {5.0, 0.0, 0.0});
}

TEST(LmPpo, TokenGaeMatchesHandComputation) {
  const torch::Tensor mask = torch::tensor({1, 1, 1, 1, 1, 0}, torch::kLong).reshape({2, 3});
  const torch::Tensor rewards = torch::tensor({0.0, 0.0, 1.0, 0.5, 2.0, 9.0}).reshape({2, 3});
  const torch::Tensor values = torch::tensor({0.2, 0.4, 0.6, 1.0, 1.5, 7.0}).reshape({2, 3});
  const double g = 0.9, l = 0.8;
  const TokenGae out = ComputeTokenGae(rewards, values, mask, g, l);
  // Row 0: deltas d2 = 1 - 0.6, d1 = 0 + g*0.6 - 0.4, d0 = 0 + g*0.4 - 0.2.
  const double d2 = 0.4, d1 = g * 0.6 - 0.4, d0 = g * 0.4 - 0.2;
  const double a2 = d2, a1 = d1 + g * l * a2, a0 = d0 + g * l * a1;
  ExpectRow(out.advantages, 0, {a0, a1, a2});
  ExpectRow(out.returns, 0, {a0 + 0.2, a1 + 0.4, a2 + 0.6});
  // Row 1 ends at token 1: the padding's reward 9 and value 7 do not leak back.
  const double b1 = 2.0 - 1.5, b0 = 0.5 + g * 1.5 - 1.0 + g * l * b1;
  ExpectRow(out.advantages, 1, {b0, b1, 0.0});
  ExpectRow(out.returns, 1, {b0 + 1.0, b1 + 1.5, 0.0});
  // gamma = lambda = 1: the return is the sum of the rewards still to come.
  const TokenGae mc = ComputeTokenGae(rewards, values, mask, 1.0, 1.0);
  ExpectRow(mc.returns, 0, {1.0, 1.0, 1.0});
  ExpectRow(mc.returns, 1, {2.5, 2.0, 0.0});
}

TEST(LmPpo, WhitenOverTheMaskOnly) {
  const torch::Tensor mask = torch::tensor({1, 1, 0, 1, 1, 0}, torch::kLong).reshape({2, 3});
  const torch::Tensor x = torch::tensor({1.0, 2.0, 100.0, 3.0, 4.0, -50.0}).reshape({2, 3});
  const torch::Tensor w = WhitenMasked(x, mask);
  const double sd = std::sqrt(5.0 / 3.0);  // of 1, 2, 3, 4 with Bessel's correction
  ExpectRow(w, 0, {-1.5 / sd, -0.5 / sd, 0.0});
  ExpectRow(w, 1, {0.5 / sd, 1.5 / sd, 0.0});
}

TEST(LmPpo, ClippedValueLossClosedForm) {
  const torch::Tensor mask = torch::tensor({1, 1, 0}, torch::kLong).reshape({1, 3});
  const torch::Tensor v = torch::tensor({1.0, 0.0, 5.0}).reshape({1, 3});
  const torch::Tensor old = torch::tensor({0.0, 0.0, 0.0}).reshape({1, 3});
  const torch::Tensor ret = torch::tensor({1.0, 1.0, 0.0}).reshape({1, 3});
  // Unclipped: errors 0 and 1 -> 0.5 * mean(0, 1) = 0.25.
  EXPECT_NEAR(ClippedValueLoss(v, old, ret, mask, 0).item<double>(), 0.25, 1e-7);
  // Clip 0.2: token 0's V_clip = 0.2, error 0.64 > 0, so max(0, 0.64) counts.
  EXPECT_NEAR(ClippedValueLoss(v, old, ret, mask, 0.2).item<double>(), 0.5 * (0.64 + 1.0) / 2,
              1e-6);
}

TEST(LmPpo, CompletionValuesReadTheCriticBeforeEachToken) {
  torch::manual_seed(4);
  const auto config = *models::FindPreset("tiny", 20);
  models::SequenceRewardModel critic(config, 1);
  critic->eval();
  models::GenerationOutput out;
  out.prompts = models::LeftPad({{1, 5, 6}, {1, 7}}, 0);
  out.tokens = torch::tensor({3, 4, 2, 8, 2, 0}, torch::kLong).reshape({2, 3});
  out.mask = torch::tensor({1, 1, 1, 1, 1, 0}, torch::kLong).reshape({2, 3});
  torch::NoGradGuard no_grad;
  const torch::Tensor values = CompletionValues(critic, out);
  ASSERT_EQ(values.sizes(), (std::vector<int64_t>{2, 3}));
  const torch::Tensor ids = torch::cat({out.prompts.ids, out.tokens}, 1);
  const torch::Tensor attention = torch::cat({out.prompts.mask, out.mask}, 1);
  const int64_t p = out.prompts.ids.size(1);
  for (int64_t j = 0; j < 3; ++j) {
    // The critic as a sequence model on prompt + completion[<j] reads the same position.
    const torch::Tensor prefix =
        critic->forward(ids.slice(1, 0, p + j), attention.slice(1, 0, p + j));
    for (int64_t b = 0; b < 2; ++b) {
      if (out.mask[b][j].item<int64_t>() == 0) {
        EXPECT_EQ(values[b][j].item<double>(), 0.0);
      } else {
        EXPECT_NEAR(values[b][j].item<double>(), prefix[b].item<double>(), 1e-5) << b << " " << j;
      }
    }
  }
}

}  // namespace
}  // namespace rlab::rl
