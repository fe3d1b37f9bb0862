// Per-token KL estimators: k1, k2, k3 equal their formulas on hand-picked log-probs; under
// exact expectation over a categorical policy, k1 and k3 give the true KL(pi || ref) and k3 is
// never negative; k3's gradient is 1 - exp(ref - logp).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/reward/signal/kl_estimators.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;

TEST(KlEstimators, MatchTheirFormulas) {
  // d = logp - ref = 0.5, -1, 0.
  const torch::Tensor logp = torch::tensor({-1.0, -2.0, -0.5}, kDouble);
  const torch::Tensor ref = torch::tensor({-1.5, -1.0, -0.5}, kDouble);
  const torch::Tensor k1 = PerTokenKl(logp, ref, KlEstimator::kK1);
  const torch::Tensor k2 = PerTokenKl(logp, ref, KlEstimator::kK2);
  const torch::Tensor k3 = PerTokenKl(logp, ref, KlEstimator::kK3);
  const std::vector<double> w1 = {0.5, -1.0, 0.0}, w2 = {0.125, 0.5, 0.0},
                            w3 = {0.10653065971263342, 0.7182818284590451, 0.0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(k1[i].item<double>(), w1[i], 1e-15);
    EXPECT_NEAR(k2[i].item<double>(), w2[i], 1e-15);
    EXPECT_NEAR(k3[i].item<double>(), w3[i], 1e-15);
  }
}

TEST(KlEstimators, K1AndK3AreUnbiasedAndK3NonNegative) {
  // Exact expectation over a 5-way categorical pi of each estimator at every outcome.
  const torch::Tensor logp =
      torch::log_softmax(torch::tensor({0.3, -1.0, 2.0, 0.0, 0.7}, kDouble), 0);
  const torch::Tensor ref =
      torch::log_softmax(torch::tensor({1.0, 0.5, -0.2, 0.1, 0.0}, kDouble), 0);
  const torch::Tensor p = logp.exp();
  const double kl = (p * (logp - ref)).sum().item<double>();
  ASSERT_GT(kl, 0.1);
  EXPECT_NEAR((p * PerTokenKl(logp, ref, KlEstimator::kK1)).sum().item<double>(), kl, 1e-14);
  EXPECT_NEAR((p * PerTokenKl(logp, ref, KlEstimator::kK3)).sum().item<double>(), kl, 1e-14);
  EXPECT_GE(PerTokenKl(logp, ref, KlEstimator::kK3).min().item<double>(), 0.0);
  EXPECT_GE(PerTokenKl(logp, ref, KlEstimator::kK2).min().item<double>(), 0.0);
}

TEST(KlEstimators, K3GradientIsOneMinusInverseRatio) {
  const torch::Tensor logp = torch::tensor({-1.0, -2.0, -0.5}, kDouble).requires_grad_(true);
  const torch::Tensor ref = torch::tensor({-1.5, -1.0, -0.5}, kDouble);
  const torch::Tensor g =
      torch::autograd::grad({PerTokenKl(logp, ref, KlEstimator::kK3).sum()}, {logp})[0];
  for (int i = 0; i < 3; ++i) {
    const double want = 1 - std::exp(ref[i].item<double>() - logp[i].item<double>());
    EXPECT_NEAR(g[i].item<double>(), want, 1e-14);
  }
}

TEST(KlEstimators, NamesAndShapes) {
  EXPECT_EQ(ParseKlEstimator("k1"), KlEstimator::kK1);
  EXPECT_EQ(ParseKlEstimator("mse"), KlEstimator::kK2);
  EXPECT_EQ(ParseKlEstimator("low_var_kl"), KlEstimator::kK3);
  EXPECT_EQ(KlEstimatorName(KlEstimator::kK3), "k3");
  EXPECT_NE(testing::ErrorOf([] { ParseKlEstimator("k4"); }).find("k3"), std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              PerTokenKl(torch::zeros({2, 3}), torch::zeros({2, 4}), KlEstimator::kK1);
            }).find("same shape"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
