// Percentile bootstrap confidence intervals (Efron and Tibshirani, "An Introduction to the
// Bootstrap", 1993, ch. 13): the mean of `values` recomputed on `resamples` resamples drawn
// with replacement, and the interval between the (1 - level) / 2 and (1 + level) / 2 order
// statistics of those means. The draws come from a generator seeded with `seed`, so one seed
// gives one interval.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace rlab::eval {

inline constexpr int kBootstrapResamples = 1000;

// [lo, hi]; both NaN when `values` is empty. Every value equal gives [value, value].
std::array<double, 2> BootstrapMeanInterval(const std::vector<double>& values, uint64_t seed,
                                            double level = 0.95,
                                            int resamples = kBootstrapResamples);

}  // namespace rlab::eval
