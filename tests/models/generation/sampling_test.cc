// Token choice: the truncations keep exactly the sets their definitions give, sampling follows
// the softmax of the scaled logits, and the reported log-probabilities are the untruncated ones.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/models/generation/generate.h"
#include "rlab/models/generation/sampling.h"
#include "test_support.h"

namespace rlab::models {
namespace {

torch::Tensor Row(std::vector<float> v) { return torch::tensor(v).unsqueeze(0); }

std::vector<bool> Kept(const torch::Tensor& truncated) {
  std::vector<bool> out;
  for (int64_t i = 0; i < truncated.size(1); ++i) {
    out.push_back(std::isfinite(truncated[0][i].item<float>()));
  }
  return out;
}

TEST(Sampling, TopKKeepsTheKLargestAndTies) {
  SamplingOptions o;
  o.top_k = 2;
  EXPECT_EQ(Kept(TruncateLogits(Row({0.1f, 3.0f, -1.0f, 2.0f}), o)),
            (std::vector<bool>{false, true, false, true}));
  // A tie at the k-th value keeps every tied token.
  EXPECT_EQ(Kept(TruncateLogits(Row({1.0f, 3.0f, 1.0f, 0.0f}), o)),
            (std::vector<bool>{true, true, true, false}));
}

TEST(Sampling, TopPKeepsTheSmallestNucleus) {
  // Probabilities 0.5, 0.3, 0.15, 0.05 (as logs).
  const torch::Tensor logits =
      Row({std::log(0.15f), std::log(0.5f), std::log(0.05f), std::log(0.3f)});
  SamplingOptions o;
  o.top_p = 0.7;  // 0.5 < 0.7, 0.5 + 0.3 >= 0.7: keep two
  EXPECT_EQ(Kept(TruncateLogits(logits, o)), (std::vector<bool>{false, true, false, true}));
  o.top_p = 0.85;  // 0.8 < 0.85: a third is needed
  EXPECT_EQ(Kept(TruncateLogits(logits, o)), (std::vector<bool>{true, true, false, true}));
  o.top_p = 0.1;  // the most likely token always stays
  EXPECT_EQ(Kept(TruncateLogits(logits, o)), (std::vector<bool>{false, true, false, false}));
}

TEST(Sampling, GreedyTakesTheArgMaxWithItsLogProb) {
  SamplingOptions o;
  o.temperature = 0.0;
  at::Generator g = MakeGenerator(1);
  const torch::Tensor logits = torch::tensor({{0.0f, 2.0f, 1.0f}, {5.0f, -1.0f, 0.0f}});
  const SampledTokens s = SampleNextTokens(logits, o, g);
  EXPECT_EQ(s.ids[0].item<int64_t>(), 1);
  EXPECT_EQ(s.ids[1].item<int64_t>(), 0);
  EXPECT_NEAR(s.logprobs[0].item<float>(), torch::log_softmax(logits[0], 0)[1].item<float>(), 1e-6);
}

TEST(Sampling, FrequenciesFollowTheTemperatureScaledSoftmax) {
  SamplingOptions o;
  o.temperature = 2.0;
  const int64_t n = 20000;
  const torch::Tensor logits = Row({1.0f, 0.0f, 2.0f}).expand({n, 3}).contiguous();
  at::Generator g = MakeGenerator(7);
  const SampledTokens s = SampleNextTokens(logits, o, g);
  const torch::Tensor expected = torch::softmax(logits[0] / 2.0, 0);
  for (int64_t v = 0; v < 3; ++v) {
    const double rate = (s.ids == v).to(torch::kFloat64).mean().item<double>();
    const double p = expected[v].item<double>();
    // Five standard errors of a binomial proportion.
    EXPECT_NEAR(rate, p, 5 * std::sqrt(p * (1 - p) / n)) << "token " << v;
    // Every draw of token v reports log p_v under the scaled softmax.
    const torch::Tensor chosen = s.logprobs.masked_select(s.ids == v);
    if (chosen.numel() > 0) {
      EXPECT_NEAR(chosen[0].item<double>(), std::log(p), 1e-5);
    }
  }
}

TEST(Sampling, TruncatedSamplingNeverLeavesTheSet) {
  SamplingOptions o;
  o.top_k = 2;
  const torch::Tensor logits = Row({0.0f, 0.1f, 0.2f, 0.3f}).expand({2000, 4}).contiguous();
  at::Generator g = MakeGenerator(3);
  const SampledTokens s = SampleNextTokens(logits, o, g);
  EXPECT_EQ(((s.ids == 2) | (s.ids == 3)).all().item<bool>(), true);
  // Log-probs are those of the untruncated distribution.
  EXPECT_NEAR(s.logprobs.masked_select(s.ids == 3)[0].item<float>(),
              torch::log_softmax(logits[0], 0)[3].item<float>(), 1e-6);
}

TEST(Sampling, RejectsBadOptions) {
  SamplingOptions o;
  o.top_p = 0.0;
  EXPECT_NE(rlab::testing::ErrorOf([&] { o.Validate(); }).find("top_p"), std::string::npos);
  o = {};
  o.top_k = -1;
  EXPECT_NE(rlab::testing::ErrorOf([&] { o.Validate(); }).find("top_k"), std::string::npos);
}

}  // namespace
}  // namespace rlab::models
