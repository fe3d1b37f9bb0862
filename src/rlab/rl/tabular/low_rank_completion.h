// Low-rank matrix completion by alternating ridge least squares: the completion step of
// Policy-Aware Matrix Completion in "What Fundamental Structure in Reward Functions Enables
// Efficient Sparse-Reward Learning?" (Shihab, Akter and Sharma, arXiv:2509.03790).
//
// Fits M ~ U V^T, U [rows, rank], V [cols, rank], to the observed entries by minimising
//   sum_(i,j) observed  w_ij (M_ij - u_i . v_j)^2 + ridge (|U|^2 + |V|^2),
// alternating exact ridge solves for every row of U with V fixed and every row of V with U
// fixed. A row or column with no observed entry gets zero factors (prediction 0).
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"

namespace rlab::rl::tabular {

struct ObservedEntry {
  int64_t row = 0;
  int64_t col = 0;
  double value = 0.0;
  double weight = 1.0;  // > 0
};

struct LowRankCompletionOptions {
  int64_t rank = 2;
  int64_t iterations = 50;  // sweeps of (all rows of U, all rows of V)
  double ridge = 1e-3;      // >= 0; 0 needs every row and column to have >= rank entries
};

struct LowRankFactors {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t rank = 0;
  std::vector<double> u;  // [rows, rank]
  std::vector<double> v;  // [cols, rank]

  double Predict(int64_t row, int64_t col) const;
  std::vector<double> Matrix() const;  // [rows, cols]
};

// V starts from Normal(0, 1) draws of `rng`; deterministic given the rng state.
LowRankFactors CompleteLowRank(int64_t rows, int64_t cols,
                               const std::vector<ObservedEntry>& entries,
                               const LowRankCompletionOptions& options, Rng& rng);

// Work done by one CompleteLowRank call, in multiply-adds (for compute-overhead accounting).
double CompletionWork(int64_t rows, int64_t cols, int64_t num_entries,
                      const LowRankCompletionOptions& options);

}  // namespace rlab::rl::tabular
