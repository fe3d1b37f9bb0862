// Dynamic batching for the reward server: the items of every request join one bounded queue and
// one worker thread scores them in batches of up to max_batch items, waiting at most max_wait
// after the oldest waiting item for more to arrive. A request whose items do not fit in the
// queue is refused at once (the server answers 429); a request's items may span batches, and
// its answer is ready when its last item is scored. A request that stops waiting (its time
// limit passed) is cancelled: its items still queued are dropped unscored.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rlab::serve {

struct ScoreItem {
  std::string prompt, completion;
};

struct DynamicBatcherOptions {
  int64_t max_batch = 32;
  std::chrono::microseconds max_wait{5000};
  int64_t queue_capacity = 256;  // items waiting, not yet in a batch
};

// Each item's scores (one per ensemble member); the answer of one request.
using ItemScores = std::vector<std::vector<double>>;

class DynamicBatcher {
 public:
  // Scores a batch: for each item, its K member scores. Runs on the worker thread only.
  using ScoreFn = std::function<ItemScores(const std::vector<ScoreItem>&)>;
  // Called on the worker thread after each batch with its size.
  using BatchObserver = std::function<void(int64_t batch_size)>;

  DynamicBatcher(const DynamicBatcherOptions& options, ScoreFn score, BatchObserver observe);
  ~DynamicBatcher();  // scores what is queued, then stops the worker
  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  class Ticket {
   public:
    // The scores, or an exception from scoring; waits at most `limit`. Returns false on
    // timeout (the request is then cancelled).
    bool WaitFor(std::chrono::steady_clock::duration limit, ItemScores& scores);

   private:
    friend class DynamicBatcher;
    struct State;
    std::shared_ptr<State> state_;
  };

  enum class Admission { kAccepted, kQueueFull, kStopped };
  // Queues `items` (non-empty, at most queue_capacity) unless they do not fit.
  Admission Submit(std::vector<ScoreItem> items, Ticket& ticket);

  int64_t queue_depth() const;
  const DynamicBatcherOptions& options() const { return options_; }

 private:
  struct Pending {
    std::shared_ptr<Ticket::State> request;
    int64_t index;  // the item's place in its request
  };
  void Work();

  DynamicBatcherOptions options_;
  ScoreFn score_;
  BatchObserver observe_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace rlab::serve
