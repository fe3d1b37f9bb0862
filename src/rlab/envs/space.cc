#include "rlab/envs/space.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::envs {

namespace {
// Python's float repr for whole numbers ("2.0"), the shortest round trip otherwise.
std::string Number(float v) {
  const bool whole = std::abs(v) < 1e16f && std::floor(v) == v;
  return whole ? fmt::format("{:.1f}", v) : fmt::format("{}", v);
}

std::string Numbers(const std::vector<float>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ' ';
    out += Number(values[i]);
  }
  return out;
}
}  // namespace

Space Space::Discrete(int64_t n) {
  RLAB_CHECK(n > 0, "a Discrete space needs n > 0 actions, got {}", n);
  Space s;
  s.discrete_ = true;
  s.n_ = n;
  s.shape_ = {};
  s.low_ = {0.0f};
  s.high_ = {static_cast<float>(n - 1)};
  return s;
}

Space Space::Box(std::vector<float> low, std::vector<float> high) {
  RLAB_CHECK(!low.empty() && low.size() == high.size(),
             "a Box needs matching, non-empty low and high bounds; got {} and {} values",
             low.size(), high.size());
  for (size_t i = 0; i < low.size(); ++i) {
    RLAB_CHECK(low[i] <= high[i], "Box bound {}: low {} exceeds high {}", i, low[i], high[i]);
  }
  Space s;
  s.shape_ = {static_cast<int64_t>(low.size())};
  s.low_ = std::move(low);
  s.high_ = std::move(high);
  return s;
}

Space Space::Box(float low, float high, std::vector<int64_t> shape) {
  int64_t size = 1;
  for (int64_t d : shape) {
    RLAB_CHECK(d > 0, "a Box shape needs positive sizes, got {}", d);
    size *= d;
  }
  Space s = Box(std::vector<float>(size, low), std::vector<float>(size, high));
  s.shape_ = std::move(shape);
  return s;
}

int64_t Space::flat_dim() const { return static_cast<int64_t>(low_.size()); }

bool Space::Contains(std::span<const float> row) const {
  if (static_cast<int64_t>(row.size()) != flat_dim()) return false;
  if (discrete_) {
    const float x = row[0];
    return x >= 0.0f && x < static_cast<float>(n_) && std::floor(x) == x;
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (!(row[i] >= low_[i] && row[i] <= high_[i])) return false;
  }
  return true;
}

std::string Space::ToString() const {
  if (discrete_) return fmt::format("Discrete({})", n_);
  std::string shape = "(";
  for (size_t i = 0; i < shape_.size(); ++i) shape += fmt::format("{}{}", i ? ", " : "", shape_[i]);
  shape += shape_.size() == 1 ? ",)" : ")";
  const auto all_equal = [](const std::vector<float>& v) {
    return std::all_of(v.begin(), v.end(), [&](float x) { return x == v[0]; });
  };
  const bool uniform = all_equal(low_) && all_equal(high_);
  if (uniform) {
    return fmt::format("Box({}, {}, {}, float32)", Number(low_[0]), Number(high_[0]), shape);
  }
  return fmt::format("Box([{}], [{}], {}, float32)", Numbers(low_), Numbers(high_), shape);
}

}  // namespace rlab::envs
