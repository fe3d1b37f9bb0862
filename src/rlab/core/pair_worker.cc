#include "rlab/core/pair_worker.h"

#include <immintrin.h>
#include <pthread.h>
#include <sched.h>

namespace rlab {

namespace {
// About 20-50 microseconds of polling before the helper sleeps or the caller yields.
constexpr int kSpins = 20000;
}  // namespace

PairWorker::PairWorker(bool enabled) : enabled_(enabled) {
  CPU_ZERO(&helper_cpus_);
  // The helper inherits this thread's cores; an unreadable set leaves it unpinned.
  if (sched_getaffinity(0, sizeof(helper_cpus_), &helper_cpus_) != 0) CPU_ZERO(&helper_cpus_);
  if (enabled_) thread_ = std::thread([this] { Loop(); });
}

PairWorker::~PairWorker() {
  if (!enabled_) return;
  stop_.store(true);
  {
    std::lock_guard lock(mutex_);
    wake_.notify_one();
  }
  thread_.join();
}

void PairWorker::Loop() {
  while (true) {
    const std::function<void()>* job = nullptr;
    for (int i = 0; i < kSpins && !stop_.load(); ++i) {
      if ((job = job_.load()) != nullptr) break;
      _mm_pause();
    }
    if (job == nullptr) {
      std::unique_lock lock(mutex_);
      sleeping_.store(true);
      // Run() stores the job before it reads sleeping_, so one of the two sees the other.
      wake_.wait(lock, [&] { return (job = job_.load()) != nullptr || stop_.load(); });
      sleeping_.store(false);
    }
    if (job == nullptr) return;  // stopping
    std::exception_ptr error;
    try {
      (*job)();
    } catch (...) {
      error = std::current_exception();
    }
    error_ = error;
    job_.store(nullptr);
    finished_.store(true);
  }
}

void PairWorker::KeepHelperOffCallersCore() {
  const int here = sched_getcpu();
  if (here < 0 || (helper_cpu_ >= 0 && helper_cpu_ != here)) return;
  // The next core after this one, wrapping around, among those the helper started with.
  for (int step = 1; step < CPU_SETSIZE; ++step) {
    const int cpu = (here + step) % CPU_SETSIZE;
    if (!CPU_ISSET(cpu, &helper_cpus_)) continue;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    if (pthread_setaffinity_np(thread_.native_handle(), sizeof(one), &one) == 0) helper_cpu_ = cpu;
    return;
  }
}

void PairWorker::Run(const std::function<void()>& first, const std::function<void()>& second) {
  if (!enabled_) {
    first();
    second();
    return;
  }
  KeepHelperOffCallersCore();
  finished_.store(false);
  job_.store(&first);
  if (sleeping_.load()) {
    std::lock_guard lock(mutex_);
    wake_.notify_one();
  }
  std::exception_ptr here;
  try {
    second();
  } catch (...) {
    here = std::current_exception();
  }
  for (int i = 0; !finished_.load(); ++i) {
    if (i < kSpins) {
      _mm_pause();
    } else {
      std::this_thread::yield();
    }
  }
  if (error_) std::rethrow_exception(error_);
  if (here) std::rethrow_exception(here);
}

}  // namespace rlab
