// Metrics: one JSON object per logged step in metrics.jsonl ({"step": 100, "loss": 0.31, ...}),
// flushed line by line so that a killed run keeps everything it logged.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/io.h"

namespace rlab {

using MetricList = std::vector<std::pair<std::string, double>>;

class MetricsLogger {
 public:
  MetricsLogger() = default;
  explicit MetricsLogger(const std::filesystem::path& file);

  // Appends {"step": step, name: value, ...} in the order given. Non-finite values are
  // written as null (JSON has no NaN) and counted in non_finite_count().
  void Log(int64_t step, const MetricList& values);

  const MetricList& latest() const { return latest_; }
  int64_t non_finite_count() const { return non_finite_; }

  // Drops lines logged after `step` (used when a run resumes from a checkpoint at `step`).
  static void TruncateAfter(const std::filesystem::path& file, int64_t step);

 private:
  JsonlWriter writer_;
  MetricList latest_;
  int64_t non_finite_ = 0;
};

}  // namespace rlab
