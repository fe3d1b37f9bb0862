// Splits a fused kernel's range over two cores when libtorch's intra-op pool has a single
// thread. That is the setting the language-model trainers run with (1 libtorch x 2 OpenBLAS
// threads on two cores): OpenBLAS's worker takes the second core for the matrix products and
// idles during the elementwise work between them, which would otherwise run on one core.
#pragma once

#include <cstdint>
#include <functional>

namespace rlab::models {

// Calls fn(begin, end) on disjoint sub-ranges covering [0, n), possibly concurrently: through
// libtorch's pool when it has several threads, else in two halves (one on a persistent helper
// thread) when the machine has two cores or more and n >= 2 * grain, else as one call.
void SplitOverCores(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace rlab::models
