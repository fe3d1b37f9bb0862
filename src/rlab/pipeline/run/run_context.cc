#include "rlab/pipeline/run/run_context.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "rlab/core/check.h"

namespace rlab::pipeline {

namespace {
// Counter holding the metrics file's length when a checkpoint is written.
constexpr const char* kMetricsBytes = "metrics_bytes";

// Metric lines logged after a checkpoint are logged again by the run resumed from it: cut the
// file back to its length at the checkpoint, or to nothing without one. Checkpoints written
// before the length was kept fall back to dropping the lines of later steps.
void TrimMetricsToCheckpoint(const std::filesystem::path& file,
                             const std::optional<nlohmann::json>& counters) {
  if (counters && !counters->contains(kMetricsBytes)) {
    MetricsLogger::TruncateAfter(file, (*counters)["step"].get<int64_t>());
    return;
  }
  if (!std::filesystem::exists(file)) return;
  const uintmax_t keep = counters ? (*counters)[kMetricsBytes].get<uintmax_t>() : 0;
  const uintmax_t size = std::filesystem::file_size(file);
  RLAB_CHECK(size >= keep,
             "{} has {} bytes, fewer than the {} it had at the last checkpoint; it was edited "
             "or truncated since, so the run cannot continue its log (restore the file or start "
             "a new run)",
             file.string(), size, keep);
  std::filesystem::resize_file(file, keep);
}
}  // namespace

RunContext::RunContext(RunDir dir, RunOptions options, bool resuming)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      resuming_(resuming),
      checkpoints_(dir_.checkpoints_dir(), options_.keep_checkpoints),
      start_(std::chrono::steady_clock::now()) {
  // Metrics are opened only after Restore() has trimmed them, see Restore().
  if (!resuming_) metrics_ = MetricsLogger(dir_.metrics_path());
}

std::optional<nlohmann::json> RunContext::Restore(const CheckpointState& state) {
  if (!resuming_) return std::nullopt;
  std::optional<nlohmann::json> counters = checkpoints_.RestoreLatest(state);
  const int64_t step = counters ? (*counters)["step"].get<int64_t>() : 0;
  TrimMetricsToCheckpoint(dir_.metrics_path(), counters);
  metrics_ = MetricsLogger(dir_.metrics_path());
  if (counters && counters->contains("wall_seconds")) {
    wall_before_ = (*counters)["wall_seconds"].get<double>();
  }
  start_ = std::chrono::steady_clock::now();
  if (counters) {
    spdlog::info("resumed from the checkpoint at step {}", step);
  } else {
    spdlog::info("no checkpoint yet: starting the run from the beginning");
  }
  return counters;
}

void RunContext::Checkpoint(const CheckpointState& state, nlohmann::json counters) {
  counters["wall_seconds"] = wall_seconds();
  // Every line is flushed as it is logged, so the file's length marks what precedes this
  // checkpoint (see Restore()).
  const std::filesystem::path metrics_file = dir_.metrics_path();
  counters[kMetricsBytes] =
      std::filesystem::exists(metrics_file) ? std::filesystem::file_size(metrics_file) : 0;
  checkpoints_.Save(state, counters);
}

double RunContext::wall_seconds() const {
  return wall_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace rlab::pipeline
