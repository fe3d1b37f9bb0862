// The episode statistics a control pipeline logs: true and trained returns and lengths of the
// episodes finished since the last metric line, the mean true return of the last 100 episodes,
// and the episode count, with the counters a checkpoint keeps so that a resumed run logs the
// same lines.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

#include "rlab/core/metrics.h"
#include "rlab/rl/agent.h"

namespace rlab::pipeline {

class EpisodeWindow {
 public:
  explicit EpisodeWindow(int64_t start_step = 0);
  void Add(const std::vector<rl::EpisodeRecord>& episodes);
  // episodic_return, episodic_length, [trained_return,] mean_return_last100, episodes and
  // steps_per_second since the last call; starts a new window at `step`.
  MetricList Flush(int64_t step, bool with_trained_return);

  double mean_last100() const;  // NaN before any episode
  int64_t episodes() const { return episodes_; }
  // Adds "episodes", "last100" and "window" to checkpoint counters, and reads them back.
  void Save(nlohmann::json& counters) const;
  void Restore(const nlohmann::json& counters, int64_t step);

 private:
  int64_t episodes_ = 0;
  std::deque<double> last100_;
  double true_ = 0, trained_ = 0, length_ = 0;
  int64_t count_ = 0, start_step_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace rlab::pipeline
