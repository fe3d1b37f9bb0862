#include "rlab/rl/network_threads.h"

#include <algorithm>

#include "rlab/core/threads.h"

namespace rlab::rl {

bool UseTwoNetworkThreads(const std::vector<int64_t>& hidden, int configured_blas_threads) {
  const int64_t widest = hidden.empty() ? 0 : *std::max_element(hidden.begin(), hidden.end());
  const ThreadSettings current = CurrentThreads();
  if (widest >= 128) {
    if (configured_blas_threads == 0) SetBlasThreads(CoreCount());
    return false;
  }
  return current.torch_threads >= 2;
}

}  // namespace rlab::rl
