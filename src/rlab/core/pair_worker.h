// Runs two pieces of work at once: one on the calling thread, one on a persistent helper
// thread. The RL agents use it to run their networks side by side; creating a thread per
// minibatch would cost more than the work (tens to hundreds of microseconds). The hand-off
// spins briefly before sleeping, because a futex wake-up costs several microseconds and the
// agents hand over work thousands of times a second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace rlab {

class PairWorker {
 public:
  // enabled = false runs both pieces on the calling thread, one after the other.
  explicit PairWorker(bool enabled);
  ~PairWorker();
  PairWorker(const PairWorker&) = delete;
  PairWorker& operator=(const PairWorker&) = delete;

  bool enabled() const { return enabled_; }
  // Runs `first` on the helper thread and `second` here, and returns when both are done.
  // An exception from either is rethrown here.
  void Run(const std::function<void()>& first, const std::function<void()>& second);

 private:
  void Loop();

  bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<const std::function<void()>*> job_{nullptr};
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;  // written by the helper before it sets finished_
  std::thread thread_;
};

}  // namespace rlab
