// Pessimistic MLE for linear rewards (Zhu et al., arXiv:2301.11270): the lower confidence
// bound theta^T (phi - v) - gamma ||phi - v||_{Sigma^-1} on hand-built designs, computed here
// from the 2x2 inverse written out, and the pessimistic choice preferring what the comparisons
// covered where the plain MLE's choice does not.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "numeric_support.h"
#include "rlab/reward/model/linear_confidence.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;

TEST(LinearConfidence, LowerBoundMatchesTheHandComputedSigmaNorm) {
  // Two comparisons with differences (1, 1) and (0, 1): Sigma = X^T X / 2 + 0.1 I
  // = [[0.6, 0.5], [0.5, 1.1]], det 0.41, Sigma^-1 = [[1.1, -0.5], [-0.5, 0.6]] / 0.41.
  const torch::Tensor x = torch::tensor({1.0, 1.0, 0.0, 1.0}, kDouble).view({2, 2});
  const LinearConfidenceSet set = FitLinearConfidenceSet(x, 0.1, 0.5);
  const double det = 0.6 * 1.1 - 0.5 * 0.5;
  EXPECT_NEAR(set.precision[0][0].item<double>(), 1.1 / det, 1e-12);
  EXPECT_NEAR(set.precision[0][1].item<double>(), -0.5 / det, 1e-12);
  EXPECT_NEAR(set.precision[1][1].item<double>(), 0.6 / det, 1e-12);
  // Offsets (1, -1) and (2, 0) with advantages 3 and -1.
  const torch::Tensor offsets = torch::tensor({1.0, -1.0, 2.0, 0.0}, kDouble).view({2, 2});
  const torch::Tensor bounds =
      LowerConfidenceBounds(set, torch::tensor({3.0, -1.0}, kDouble), offsets);
  const double norm0 = std::sqrt((1.1 + 0.5 + 0.5 + 0.6) / det);  // d^T Sigma^-1 d, d = (1, -1)
  const double norm1 = std::sqrt(4 * 1.1 / det);                  // d = (2, 0)
  EXPECT_NEAR(bounds[0].item<double>(), 3.0 - 0.5 * norm0, 1e-9);
  EXPECT_NEAR(bounds[1].item<double>(), -1.0 - 0.5 * norm1, 1e-9);
  // gamma = 0 is the plain maximum-likelihood estimate.
  EXPECT_TRUE(torch::allclose(LowerConfidenceBounds(FitLinearConfidenceSet(x, 0.1, 0.0),
                                                    torch::tensor({3.0, -1.0}, kDouble), offsets),
                              torch::tensor({3.0, -1.0}, kDouble)));
}

TEST(LinearConfidence, PessimismPrefersTheCoveredChoiceWhenEstimatesAreClose) {
  // Every comparison varies the first feature only: the second is barely covered.
  const torch::Tensor x = torch::tensor({1.0, 0.0, -2.0, 0.0, 1.5, 0.0}, kDouble).view({3, 2});
  const LinearConfidenceSet set = FitLinearConfidenceSet(x, 1e-3, 0.1);
  // Choice 0 along the covered feature, choice 1 along the uncovered one, estimated slightly
  // better: MLE takes choice 1, pessimism choice 0.
  const torch::Tensor offsets = torch::tensor({2.0, 0.0, 0.0, 2.0}, kDouble).view({2, 2});
  const torch::Tensor advantages = torch::tensor({1.0, 1.1}, kDouble);
  EXPECT_EQ(advantages.argmax().item<int64_t>(), 1);
  EXPECT_EQ(LowerConfidenceBounds(set, advantages, offsets).argmax().item<int64_t>(), 0);
}

TEST(LinearConfidence, BadSettingsAreRefused) {
  const torch::Tensor x = torch::ones({2, 2}, kDouble);
  EXPECT_NE(testing::ErrorOf([&] { FitLinearConfidenceSet(x, 0.0, 1.0); }).find("lambda"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { FitLinearConfidenceSet(x, 0.1, -1.0); }).find("gamma"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
