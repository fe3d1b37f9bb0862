// Metrics: one JSON object per logged step in metrics.jsonl ({"step": 100, "loss": 0.31, ...}),
// flushed line by line so that a killed run keeps everything it logged, and mirrored into a
// TensorBoard events file beside it (export/tensorboard_writer.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/export/tensorboard_writer.h"
#include "rlab/core/io.h"

namespace rlab {

using MetricList = std::vector<std::pair<std::string, double>>;

class MetricsLogger {
 public:
  MetricsLogger() = default;
  // Appends to `file`; the events file beside it is rewritten from the lines `file` holds.
  explicit MetricsLogger(const std::filesystem::path& file);

  // Appends {"step": step, name: value, ...} in the order given. Non-finite values are
  // written as null (JSON has no NaN) and counted in non_finite_count().
  void Log(int64_t step, const MetricList& values);

  const MetricList& latest() const { return latest_; }
  int64_t non_finite_count() const { return non_finite_; }

  // Drops lines logged after `step` and a torn last line (used when a run resumes from a
  // checkpoint at `step` that did not record the file's length).
  static void TruncateAfter(const std::filesystem::path& file, int64_t step);

 private:
  JsonlWriter writer_;
  TensorBoardWriter events_;
  MetricList latest_;
  int64_t non_finite_ = 0;
};

// The one reader of metrics.jsonl (resume and `rlab report`). The logger writes every line
// with its newline in one flushed write, so a last line without a newline was being written
// when the run was killed: it is torn, never returned (resume cuts it off), and
// torn_last_line() says it was there. Every other non-blank line must be a JSON object
// (errors name file:line).
class MetricsReader {
 public:
  explicit MetricsReader(const std::filesystem::path& file);

  // Reads the next line into `out` and its text into text(); false at the end (or the torn
  // last line).
  bool Next(nlohmann::json& out);
  const std::string& text() const { return line_; }
  // "file:line" of the line last read.
  std::string Where() const;
  // Whether the file ends with a torn line (known once Next has returned false).
  bool torn_last_line() const { return torn_; }

 private:
  std::filesystem::path file_;
  std::string contents_;
  size_t offset_ = 0;
  int64_t line_number_ = 0;
  std::string line_;
  bool torn_ = false;
};

}  // namespace rlab
