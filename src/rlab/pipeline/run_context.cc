#include "rlab/pipeline/run_context.h"

#include <spdlog/spdlog.h>

namespace rlab::pipeline {

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
  MetricsLogger::TruncateAfter(dir_.metrics_path(), step);
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
  checkpoints_.Save(state, counters);
}

double RunContext::wall_seconds() const {
  return wall_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace rlab::pipeline
