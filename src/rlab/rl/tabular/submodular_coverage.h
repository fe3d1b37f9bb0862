// Weighted coverage of a grid: a monotone submodular set function over visited cells, the
// history-dependent reward of "Submodular Reinforcement Learning" (Prajapat, Mutny, Zeilinger
// and Krause, ICLR 2024, arXiv:2307.13372). A cell c is covered by a set S of visited cells when
// some s in S lies within Chebyshev distance `radius` of c; F(S) is the total weight of the
// covered cells. Coverage is monotone (adding a cell never uncovers one) and submodular (a cell
// newly covered by adding s to a larger set is also newly covered when adding s to a subset).
#pragma once

#include <cstdint>
#include <vector>

namespace rlab::rl::tabular {

class GridCoverage {
 public:
  // Cells are numbered row * cols + col, as in envs/tabular/grid_world.h; weights [rows * cols],
  // each >= 0.
  GridCoverage(int64_t rows, int64_t cols, int64_t radius, std::vector<double> weights);

  int64_t num_cells() const { return static_cast<int64_t>(weights_.size()); }
  double total_weight() const { return total_weight_; }
  // The cells within `radius` of `cell`, itself included.
  const std::vector<int64_t>& Neighbourhood(int64_t cell) const { return neighbourhood_[cell]; }
  // F(S) for the set of distinct cells in `cells` (repeats count once).
  double Value(const std::vector<int64_t>& cells) const;
  // F({cell}): the modular (Markov) reward of visiting one cell.
  double SingletonValue(int64_t cell) const;
  double weight(int64_t cell) const { return weights_[cell]; }

 private:
  std::vector<double> weights_;
  std::vector<std::vector<int64_t>> neighbourhood_;
  double total_weight_ = 0.0;
};

// The visited set S built one cell at a time: Add returns the marginal gain F(S u {c}) - F(S)
// and Remove undoes the latest Add of that cell, so a depth-first search over paths updates F
// in O(neighbourhood) per step.
class CoverageTracker {
 public:
  explicit CoverageTracker(const GridCoverage& coverage);
  double Add(int64_t cell);
  void Remove(int64_t cell);
  // The gain Add(cell) would return, without adding it.
  double Gain(int64_t cell) const;
  double value() const { return value_; }

 private:
  const GridCoverage* coverage_;
  std::vector<int64_t> cover_count_;  // [cells] how many added cells cover each cell
  double value_ = 0.0;
};

}  // namespace rlab::rl::tabular
