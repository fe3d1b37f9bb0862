// Split-conformal intervals: the distribution-free confidence sets of Policy-Aware Matrix
// Completion in "What Fundamental Structure in Reward Functions Enables Efficient Sparse-Reward
// Learning?" (Shihab, Akter and Sharma, arXiv:2509.03790).
//
// Given the absolute residuals |y_i - yhat_i| of n calibration points that the predictor did
// not see, q is the k-th smallest residual with k = ceil((n + 1)(1 - alpha)); a new point
// exchangeable with the calibration points then lies in [yhat - q, yhat + q] with probability
// at least 1 - alpha. When k > n the calibration set is too small for that level and the
// interval is the whole line (q = +infinity).
#pragma once

#include <cstdint>
#include <vector>

namespace rlab::rl::tabular {

// The rank k = ceil((n + 1)(1 - alpha)) of the conformal quantile among n residuals; alpha in
// (0, 1).
int64_t ConformalRank(int64_t n, double alpha);

// q as above, +infinity when k > n (n = 0 included). Residuals must be finite and >= 0.
double SplitConformalQuantile(std::vector<double> residuals, double alpha);

}  // namespace rlab::rl::tabular
