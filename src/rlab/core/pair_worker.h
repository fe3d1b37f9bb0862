// Runs two pieces of work at once: one on the calling thread, one on a persistent helper
// thread. The RL agents use it to update their actor and critic side by side; creating a
// thread per minibatch would cost more than the work (about half a millisecond).
#pragma once

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
  std::condition_variable wake_, done_;
  const std::function<void()>* job_ = nullptr;
  bool stop_ = false;
  bool finished_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace rlab
