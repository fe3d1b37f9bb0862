// Where a trainer is in its data: passes (epochs) over a pool of example indices, each in a
// seeded order of its own, so that a run resumed from (epoch, position) draws exactly the
// batches an uninterrupted run would.
#pragma once

#include <cstdint>
#include <vector>

namespace rlab {

class EpochCursor {
 public:
  // `pool`: the example indices one epoch visits (all of them, or a bootstrap resample).
  EpochCursor(std::vector<int64_t> pool, uint64_t seed, int64_t epoch = 0, int64_t position = 0);
  // The next `count` indices, moving to the next epoch's order when this one is used up.
  std::vector<int64_t> Next(int64_t count);
  int64_t epoch() const { return epoch_; }
  int64_t position() const { return position_; }
  // Epochs completed, with the current one's share: for logging.
  double Progress() const;

 private:
  void Shuffle();
  std::vector<int64_t> pool_, order_;
  uint64_t seed_;
  int64_t epoch_, position_;
};

// 0, 1, ..., n - 1.
std::vector<int64_t> AllIndices(int64_t n);

}  // namespace rlab
