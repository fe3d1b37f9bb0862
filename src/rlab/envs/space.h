// Spaces: what an environment accepts and returns, with Gymnasium's two kinds: Discrete(n)
// (one index in {0, ..., n-1}) and Box (a float32 array with elementwise bounds).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rlab::envs {

class Space {
 public:
  // {0, ..., n-1}, stored in a flat float row as one element.
  static Space Discrete(int64_t n);
  // A 1-d box with elementwise bounds; low and high have one entry per element.
  static Space Box(std::vector<float> low, std::vector<float> high);
  // A box of any shape with the same bounds for every element.
  static Space Box(float low, float high, std::vector<int64_t> shape);

  bool is_discrete() const { return discrete_; }
  int64_t n() const { return n_; }  // discrete only
  const std::vector<int64_t>& shape() const { return shape_; }
  const std::vector<float>& low() const { return low_; }    // [flat_dim]
  const std::vector<float>& high() const { return high_; }  // [flat_dim]
  // Elements of one flat row: 1 for a discrete space, the product of the shape for a box.
  int64_t flat_dim() const;

  // Whether one flat row lies in the space (NaN never does).
  bool Contains(std::span<const float> row) const;
  // Gymnasium's notation: "Discrete(2)", "Box(-2.0, 2.0, (1,), float32)".
  std::string ToString() const;

 private:
  bool discrete_ = false;
  int64_t n_ = 0;
  std::vector<int64_t> shape_;
  std::vector<float> low_, high_;
};

}  // namespace rlab::envs
