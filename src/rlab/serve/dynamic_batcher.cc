#include "rlab/serve/dynamic_batcher.h"

#include <atomic>
#include <exception>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::serve {

struct DynamicBatcher::Ticket::State {
  std::vector<ScoreItem> items;
  ItemScores scores;
  int64_t remaining = 0;  // items not yet scored (guarded by the batcher's mutex)
  std::atomic<bool> cancelled{false};
  std::promise<ItemScores> promise;
  std::future<ItemScores> future = promise.get_future();
};

bool DynamicBatcher::Ticket::WaitFor(std::chrono::steady_clock::duration limit,
                                     ItemScores& scores) {
  if (state_->future.wait_for(limit) != std::future_status::ready) {
    state_->cancelled = true;
    return false;
  }
  scores = state_->future.get();
  return true;
}

DynamicBatcher::DynamicBatcher(const DynamicBatcherOptions& options, ScoreFn score,
                               BatchObserver observe)
    : options_(options), score_(std::move(score)), observe_(std::move(observe)) {
  RLAB_CHECK(
      options_.max_batch >= 1 && options_.queue_capacity >= 1 && options_.max_wait.count() >= 0,
      "dynamic batching needs max_batch >= 1, queue >= 1 and max_wait >= 0");
  worker_ = std::thread([this] { Work(); });
}

DynamicBatcher::~DynamicBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  arrived_.notify_all();
  worker_.join();
}

DynamicBatcher::Admission DynamicBatcher::Submit(std::vector<ScoreItem> items, Ticket& ticket) {
  auto state = std::make_shared<Ticket::State>();
  const auto n = static_cast<int64_t>(items.size());
  state->items = std::move(items);
  state->scores.resize(static_cast<std::size_t>(n));
  state->remaining = n;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Admission::kStopped;
    if (static_cast<int64_t>(queue_.size()) + n > options_.queue_capacity) {
      return Admission::kQueueFull;
    }
    for (int64_t i = 0; i < n; ++i) queue_.push_back({state, i});
  }
  arrived_.notify_one();
  ticket.state_ = std::move(state);
  return Admission::kAccepted;
}

int64_t DynamicBatcher::queue_depth() const {
  std::lock_guard lock(mutex_);
  return static_cast<int64_t>(queue_.size());
}

void DynamicBatcher::Work() {
  std::unique_lock lock(mutex_);
  while (true) {
    arrived_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    // Wait for a full batch, at most max_wait from now (the oldest item just arrived, or
    // waited through the previous batch's scoring already).
    const auto deadline = std::chrono::steady_clock::now() + options_.max_wait;
    arrived_.wait_until(lock, deadline, [this] {
      return stopping_ || static_cast<int64_t>(queue_.size()) >= options_.max_batch;
    });
    std::vector<Pending> batch;
    while (!queue_.empty() && static_cast<int64_t>(batch.size()) < options_.max_batch) {
      if (!queue_.front().request->cancelled) batch.push_back(queue_.front());
      queue_.pop_front();
    }
    if (batch.empty()) continue;
    lock.unlock();
    std::vector<ScoreItem> items;
    items.reserve(batch.size());
    for (const Pending& p : batch) items.push_back(p.request->items[p.index]);
    ItemScores scores;
    std::exception_ptr error;
    try {
      scores = score_(items);
      RLAB_CHECK(scores.size() == items.size(), "the model scored {} of {} items", scores.size(),
                 items.size());
    } catch (...) {
      error = std::current_exception();
    }
    if (observe_) observe_(static_cast<int64_t>(batch.size()));
    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Ticket::State& request = *batch[i].request;
      if (request.remaining == 0) continue;  // already failed by an earlier batch
      if (error) {
        request.remaining = 0;
        request.promise.set_exception(error);
        continue;
      }
      request.scores[batch[i].index] = std::move(scores[i]);
      if (--request.remaining == 0) request.promise.set_value(std::move(request.scores));
    }
  }
}

}  // namespace rlab::serve
