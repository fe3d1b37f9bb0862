// Deterministic held-out splits of a dataset's records.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "rlab/core/rng.h"

namespace rlab::data {

// Shuffles `train` with a generator seeded from `seed` and moves the last
// floor(eval_fraction * size) records into `held_out`: the same seed and data give the same
// split on every machine.
template <class Record>
void SplitHeldOut(std::vector<Record>& train, std::vector<Record>& held_out, double eval_fraction,
                  uint64_t seed) {
  Rng rng(seed);
  std::shuffle(train.begin(), train.end(), rng.engine());
  const auto held = static_cast<std::size_t>(eval_fraction * static_cast<double>(train.size()));
  held_out.assign(train.end() - held, train.end());
  train.resize(train.size() - held);
}

}  // namespace rlab::data
