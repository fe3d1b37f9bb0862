#include "rlab/rl/tabular/submodular_coverage.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

GridCoverage::GridCoverage(int64_t rows, int64_t cols, int64_t radius, std::vector<double> weights)
    : weights_(std::move(weights)) {
  RLAB_CHECK(rows > 0 && cols > 0, "grid coverage needs rows, cols > 0, got {} x {}", rows, cols);
  RLAB_CHECK(radius >= 0, "grid coverage radius must be >= 0, got {}", radius);
  RLAB_CHECK(static_cast<int64_t>(weights_.size()) == rows * cols,
             "grid coverage needs one weight per cell ({}), got {}", rows * cols, weights_.size());
  for (double w : weights_) {
    RLAB_CHECK(std::isfinite(w) && w >= 0.0,
               "grid coverage weights must be finite and >= 0, "
               "got {}",
               w);
    total_weight_ += w;
  }
  neighbourhood_.resize(rows * cols);
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t col = 0; col < cols; ++col) {
      std::vector<int64_t>& near = neighbourhood_[row * cols + col];
      for (int64_t r = std::max<int64_t>(0, row - radius); r <= std::min(rows - 1, row + radius);
           ++r) {
        for (int64_t c = std::max<int64_t>(0, col - radius); c <= std::min(cols - 1, col + radius);
             ++c) {
          near.push_back(r * cols + c);
        }
      }
    }
  }
}

double GridCoverage::Value(const std::vector<int64_t>& cells) const {
  CoverageTracker tracker(*this);
  for (int64_t cell : cells) tracker.Add(cell);
  return tracker.value();
}

double GridCoverage::SingletonValue(int64_t cell) const {
  double value = 0.0;
  for (int64_t c : neighbourhood_[cell]) value += weights_[c];
  return value;
}

CoverageTracker::CoverageTracker(const GridCoverage& coverage)
    : coverage_(&coverage), cover_count_(coverage.num_cells(), 0) {}

double CoverageTracker::Gain(int64_t cell) const {
  double gain = 0.0;
  for (int64_t c : coverage_->Neighbourhood(cell)) {
    if (cover_count_[c] == 0) gain += coverage_->weight(c);
  }
  return gain;
}

double CoverageTracker::Add(int64_t cell) {
  RLAB_CHECK(cell >= 0 && cell < coverage_->num_cells(), "coverage: cell {} is outside [0, {})",
             cell, coverage_->num_cells());
  double gain = 0.0;
  for (int64_t c : coverage_->Neighbourhood(cell)) {
    if (cover_count_[c]++ == 0) gain += coverage_->weight(c);
  }
  value_ += gain;
  return gain;
}

void CoverageTracker::Remove(int64_t cell) {
  for (int64_t c : coverage_->Neighbourhood(cell)) {
    RLAB_CHECK(cover_count_[c] > 0, "coverage: Remove({}) without a matching Add", cell);
    if (--cover_count_[c] == 0) value_ -= coverage_->weight(c);
  }
}

}  // namespace rlab::rl::tabular
