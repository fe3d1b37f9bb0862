// Numeric helpers shared by the tests that check formulas: double-precision tensors, the
// logistic function written out, element-wise comparison of a 1-D tensor, and the largest
// difference between two tensors.
#pragma once

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstddef>
#include <vector>

namespace rlab::testing {

inline const torch::TensorOptions kDouble = torch::TensorOptions().dtype(torch::kFloat64);

inline double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double LogSigmoid(double x) { return -std::log1p(std::exp(-x)); }

// `got` is 1-D and equals `want` entry by entry within `tol`.
inline void ExpectValues(const torch::Tensor& got, const std::vector<double>& want,
                         double tol = 1e-12) {
  ASSERT_EQ(got.dim(), 1);
  ASSERT_EQ(got.size(0), static_cast<int64_t>(want.size()));
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i].item<double>(), want[i], tol) << "entry " << i;
  }
}

// max |a - b| over all entries.
inline double MaxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

}  // namespace rlab::testing
