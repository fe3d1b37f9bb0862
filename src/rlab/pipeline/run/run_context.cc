#include "rlab/pipeline/run/run_context.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "rlab/core/check.h"

namespace rlab::pipeline {

namespace {
// Counter holding the metrics file's length when a checkpoint is written.
constexpr const char* kMetricsBytes = "metrics_bytes";
// Counter holding the run's settings when a checkpoint is written.
constexpr const char* kSettings = "config";

// "64" or "[64, 64]": a setting as the config file writes it.
std::string SettingText(const nlohmann::json& value) {
  if (!value.is_array()) return value.is_string() ? value.get<std::string>() : value.dump();
  std::string text = "[";
  for (size_t i = 0; i < value.size(); ++i) text += (i ? ", " : "") + SettingText(value[i]);
  return text + "]";
}

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

RunContext::RunContext(RunDir dir, RunOptions options, bool resuming, nlohmann::json settings)
    : dir_(std::move(dir)),
      options_(std::move(options)),
      resuming_(resuming),
      settings_(std::move(settings)),
      checkpoints_(dir_.checkpoints_dir(), options_.keep_checkpoints),
      start_(std::chrono::steady_clock::now()) {
  if (const char* pause = std::getenv("RLAB_FAULT_PAUSE_AT_STEP")) {
    pause_at_step_ = std::strtoll(pause, nullptr, 10);
  }
  // Metrics are opened only after Restore() has trimmed them, see Restore().
  if (!resuming_) metrics_ = MetricsLogger(dir_.metrics_path());
}

std::optional<nlohmann::json> RunContext::Restore(const CheckpointState& state) {
  if (!resuming_) return std::nullopt;
  std::optional<nlohmann::json> counters;
  try {
    counters = checkpoints_.RestoreLatest(state);
  } catch (const Error&) {
    // A checkpoint that does not fit the model often means an edited config: say which key.
    if (const auto latest = LatestCounters()) CheckSettingsMatch(*latest);
    throw;
  }
  if (counters) CheckSettingsMatch(*counters);
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

void RunContext::CheckSettingsMatch(const nlohmann::json& counters) const {
  if (settings_.empty() || !counters.contains(kSettings)) return;
  const nlohmann::json& saved = counters[kSettings];
  std::string changes;
  for (const auto& [key, now] : settings_.items()) {
    if (!saved.contains(key) || saved[key] == now) continue;
    changes += fmt::format("{}key {} was {}, now {}", changes.empty() ? "" : "; ", key,
                           SettingText(saved[key]), SettingText(now));
  }
  RLAB_CHECK(changes.empty(),
             "the checkpoint does not match the config: {} ({} was edited after the run "
             "started; restore the value, or start a new run with the new config)",
             changes, dir_.config_path().string());
}

std::optional<nlohmann::json> RunContext::LatestCounters() const {
  CheckpointState nothing;  // reads the counters, restores no module or generator
  nothing.IncludeTorchRng(false);
  try {
    return checkpoints_.RestoreLatest(nothing);
  } catch (const Error&) {
    return std::nullopt;
  }
}

void RunContext::Checkpoint(const CheckpointState& state, nlohmann::json counters) {
  counters["wall_seconds"] = wall_seconds();
  if (!settings_.empty()) counters[kSettings] = settings_;
  // Every line is flushed as it is logged, so the file's length marks what precedes this
  // checkpoint (see Restore()).
  const std::filesystem::path metrics_file = dir_.metrics_path();
  counters[kMetricsBytes] =
      std::filesystem::exists(metrics_file) ? std::filesystem::file_size(metrics_file) : 0;
  checkpoints_.Save(state, counters);
  if (const int signal = StopSignalReceived(); signal != 0) {
    const int64_t step = counters["step"].get<int64_t>();
    spdlog::warn("{} received: stopping after the checkpoint at step {}", SignalName(signal), step);
    throw RunInterrupted(signal, step, dir_.path());
  }
}

void RunContext::WaitForStopSignal() const {
  std::fprintf(stderr, "RLAB_FAULT_PAUSE_AT_STEP: waiting for a stop signal at step %lld\n",
               static_cast<long long>(pause_at_step_));
  std::fflush(stderr);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (StopSignalReceived() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

double RunContext::wall_seconds() const {
  return wall_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

}  // namespace rlab::pipeline
