#include "rlab/rl/tabular/low_rank_completion.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

// Solves A x = b for a symmetric positive definite A [n, n] by Cholesky; returns false when A
// is not positive definite (a factor left unsolvable: the caller keeps it at zero).
bool SolveSpd(std::vector<double> a, std::vector<double> b, int64_t n, double* x) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 1e-14)) return false;
    a[j * n + j] = std::sqrt(d);
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int64_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  for (int64_t i = 0; i < n; ++i) {  // L y = b
    for (int64_t k = 0; k < i; ++k) b[i] -= a[i * n + k] * b[k];
    b[i] /= a[i * n + i];
  }
  for (int64_t i = n - 1; i >= 0; --i) {  // L^T x = y
    for (int64_t k = i + 1; k < n; ++k) b[i] -= a[k * n + i] * b[k];
    b[i] /= a[i * n + i];
  }
  for (int64_t i = 0; i < n; ++i) x[i] = b[i];
  return true;
}

// One half-sweep: every row r of `solve` [n, rank] becomes the ridge solution against the rows
// of `fixed` named by the entries of r. `by_row` lists, per r, (entry index, other index).
void SolveFactors(const std::vector<ObservedEntry>& entries,
                  const std::vector<std::vector<std::pair<int64_t, int64_t>>>& by_row,
                  const std::vector<double>& fixed, int64_t rank, double ridge,
                  std::vector<double>* solve) {
  std::vector<double> gram(rank * rank), rhs(rank);
  for (size_t r = 0; r < by_row.size(); ++r) {
    double* out = &(*solve)[r * rank];
    std::fill(gram.begin(), gram.end(), 0.0);
    std::fill(rhs.begin(), rhs.end(), 0.0);
    for (int64_t i = 0; i < rank; ++i) gram[i * rank + i] = ridge;
    for (const auto& [e, other] : by_row[r]) {
      const double* f = &fixed[other * rank];
      const double w = entries[e].weight;
      for (int64_t i = 0; i < rank; ++i) {
        rhs[i] += w * entries[e].value * f[i];
        for (int64_t j = 0; j < rank; ++j) gram[i * rank + j] += w * f[i] * f[j];
      }
    }
    if (by_row[r].empty() || !SolveSpd(gram, rhs, rank, out)) std::fill(out, out + rank, 0.0);
  }
}

}  // namespace

double LowRankFactors::Predict(int64_t row, int64_t col) const {
  double p = 0.0;
  for (int64_t k = 0; k < rank; ++k) p += u[row * rank + k] * v[col * rank + k];
  return p;
}

std::vector<double> LowRankFactors::Matrix() const {
  std::vector<double> m(rows * cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) m[i * cols + j] = Predict(i, j);
  }
  return m;
}

LowRankFactors CompleteLowRank(int64_t rows, int64_t cols,
                               const std::vector<ObservedEntry>& entries,
                               const LowRankCompletionOptions& options, Rng& rng) {
  RLAB_CHECK(rows > 0 && cols > 0, "low-rank completion needs a non-empty matrix, got {} x {}",
             rows, cols);
  RLAB_CHECK(options.rank >= 1, "low-rank completion: rank must be >= 1, got {}", options.rank);
  RLAB_CHECK(options.iterations >= 1 && options.ridge >= 0.0,
             "low-rank completion: iterations must be >= 1 and ridge >= 0, got {} and {}",
             options.iterations, options.ridge);
  const int64_t rank = options.rank;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> by_row(rows), by_col(cols);
  for (size_t e = 0; e < entries.size(); ++e) {
    const ObservedEntry& x = entries[e];
    RLAB_CHECK(x.row >= 0 && x.row < rows && x.col >= 0 && x.col < cols,
               "low-rank completion: entry ({}, {}) is outside the {} x {} matrix", x.row, x.col,
               rows, cols);
    RLAB_CHECK(x.weight > 0.0 && std::isfinite(x.value),
               "low-rank completion: entry ({}, {}) needs a finite value and a weight > 0", x.row,
               x.col);
    by_row[x.row].push_back({static_cast<int64_t>(e), x.col});
    by_col[x.col].push_back({static_cast<int64_t>(e), x.row});
  }
  LowRankFactors f{.rows = rows,
                   .cols = cols,
                   .rank = rank,
                   .u = std::vector<double>(rows * rank, 0.0),
                   .v = std::vector<double>(cols * rank)};
  for (double& x : f.v) x = rng.Normal();
  for (int64_t it = 0; it < options.iterations; ++it) {
    SolveFactors(entries, by_row, f.v, rank, options.ridge, &f.u);
    SolveFactors(entries, by_col, f.u, rank, options.ridge, &f.v);
  }
  return f;
}

double CompletionWork(int64_t rows, int64_t cols, int64_t num_entries,
                      const LowRankCompletionOptions& options) {
  const double r = static_cast<double>(options.rank);
  const double per_sweep = 2.0 * static_cast<double>(num_entries) * r * (r + 1.0) +
                           static_cast<double>(rows + cols) * r * r * r;
  return static_cast<double>(options.iterations) * per_sweep;
}

}  // namespace rlab::rl::tabular
