// How a control agent shares the cores: small networks run one network per thread, each with
// single-threaded OpenBLAS; wide ones (>= 128 units) give every core to OpenBLAS instead,
// because its single-threaded kernel is slow at those sizes (docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <vector>

namespace rlab::rl {

// Whether the agent should run its networks on two threads. For wide networks it also sets
// OpenBLAS to every core, unless run.blas_threads (`configured_blas_threads`, 0 = auto) was
// given explicitly.
bool UseTwoNetworkThreads(const std::vector<int64_t>& hidden, int configured_blas_threads);

}  // namespace rlab::rl
