#include "rlab/core/epoch_cursor.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"

namespace rlab {

EpochCursor::EpochCursor(std::vector<int64_t> pool, uint64_t seed, int64_t epoch, int64_t position)
    : pool_(std::move(pool)), seed_(seed), epoch_(epoch), position_(position) {
  RLAB_CHECK(!pool_.empty(), "a data cursor needs at least one example");
  RLAB_CHECK(position_ >= 0 && position_ <= static_cast<int64_t>(pool_.size()),
             "data position {} is outside an epoch of {}", position_, pool_.size());
  Shuffle();
}

void EpochCursor::Shuffle() {
  order_ = pool_;
  Rng rng(DeriveSeed(seed_, fmt::format("order-{}", epoch_)));
  std::shuffle(order_.begin(), order_.end(), rng.engine());
}

std::vector<int64_t> EpochCursor::Next(int64_t count) {
  std::vector<int64_t> out;
  out.reserve(count);
  while (static_cast<int64_t>(out.size()) < count) {
    if (position_ == static_cast<int64_t>(order_.size())) {
      ++epoch_;
      position_ = 0;
      Shuffle();
    }
    out.push_back(order_[position_++]);
  }
  return out;
}

double EpochCursor::Progress() const {
  return static_cast<double>(epoch_) + static_cast<double>(position_) / order_.size();
}

std::vector<int64_t> AllIndices(int64_t n) {
  std::vector<int64_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  return all;
}

}  // namespace rlab
