#include "rlab/core/pair_worker.h"

namespace rlab {

PairWorker::PairWorker(bool enabled) : enabled_(enabled) {
  if (enabled_) thread_ = std::thread([this] { Loop(); });
}

PairWorker::~PairWorker() {
  if (!enabled_) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void PairWorker::Loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || job_ != nullptr; });
    if (stop_) return;
    const std::function<void()>* job = job_;
    lock.unlock();
    std::exception_ptr error;
    try {
      (*job)();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    job_ = nullptr;
    error_ = error;
    finished_ = true;
    done_.notify_one();
  }
}

void PairWorker::Run(const std::function<void()>& first, const std::function<void()>& second) {
  if (!enabled_) {
    first();
    second();
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &first;
    finished_ = false;
    error_ = nullptr;
  }
  wake_.notify_one();
  std::exception_ptr here;
  try {
    second();
  } catch (...) {
    here = std::current_exception();
  }
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return finished_; });
  if (error_) std::rethrow_exception(error_);
  if (here) std::rethrow_exception(here);
}

}  // namespace rlab
