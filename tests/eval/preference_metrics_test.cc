#include "rlab/eval/preference_metrics.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"

namespace rlab::eval {
namespace {

torch::Tensor T(std::vector<double> v) { return torch::tensor(v, torch::kDouble); }

TEST(PearsonCorrelation, KnownValues) {
  EXPECT_NEAR(PearsonCorrelation(T({1, 2, 3}), T({2, 4, 6})), 1.0, 1e-15);
  EXPECT_NEAR(PearsonCorrelation(T({1, 2, 3}), T({3, 2, 1})), -1.0, 1e-15);
  // Centred x = (-1.5,-.5,.5,1.5), y = (-1.5,.5,-.5,1.5): r = 4 / sqrt(5 * 5) = 0.8.
  EXPECT_NEAR(PearsonCorrelation(T({1, 2, 3, 4}), T({1, 3, 2, 4})), 0.8, 1e-15);
  EXPECT_EQ(PearsonCorrelation(T({1, 1, 1}), T({1, 2, 3})), 0.0);
  EXPECT_THROW(PearsonCorrelation(T({1}), T({1})), Error);
}

TEST(PairwiseAccuracy, CountsAgreementAndSkipsTies) {
  const auto a = T({1, 0, 5, 2});
  const auto b = T({0, 1, 1, 3});
  EXPECT_DOUBLE_EQ(PairwiseAccuracy(a, b, T({1, 0, 0, 0.5})), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(PairwiseAccuracy(a, b, T({0.5, 0.5, 0.5, 0.5})), 0.0);
}

}  // namespace
}  // namespace rlab::eval
