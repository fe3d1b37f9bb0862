#include "rlab/models/kernels/two_core_split.h"

#include <ATen/Parallel.h>

#include <mutex>

#include "rlab/core/pair_worker.h"
#include "rlab/core/threads.h"

namespace rlab::models {
namespace {

// One helper for the whole process. A caller that finds it busy (another thread is splitting
// its own kernel) runs its range alone rather than wait.
struct SharedHelper {
  PairWorker worker{CoreCount() >= 2};
  std::mutex busy;
};

SharedHelper& Helper() {
  static SharedHelper helper;
  return helper;
}

}  // namespace

void SplitOverCores(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (at::get_num_threads() > 1) {
    at::parallel_for(0, n, grain, fn);
    return;
  }
  if (n < 2 * grain || CoreCount() < 2) {
    fn(0, n);
    return;
  }
  SharedHelper& helper = Helper();
  std::unique_lock lock(helper.busy, std::try_to_lock);
  if (!lock.owns_lock()) {
    fn(0, n);
    return;
  }
  const int64_t mid = n / 2;
  helper.worker.Run([&] { fn(0, mid); }, [&] { fn(mid, n); });
}

}  // namespace rlab::models
