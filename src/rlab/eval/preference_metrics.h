// Measures of how well a learned reward agrees with a reference one.
#pragma once

#include <torch/types.h>

namespace rlab::eval {

// Pearson correlation of two [N] tensors (computed in double precision). 0 when either is
// constant.
double PearsonCorrelation(const torch::Tensor& a, const torch::Tensor& b);

// Fraction of pairs where the sign of (score_a - score_b) matches `prefers_a` (1 or 0);
// pairs with prefers_a == 0.5 (ties) are skipped. All [N].
double PairwiseAccuracy(const torch::Tensor& score_a, const torch::Tensor& score_b,
                        const torch::Tensor& prefers_a);

}  // namespace rlab::eval
