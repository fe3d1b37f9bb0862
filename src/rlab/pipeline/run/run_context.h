// What a running pipeline is handed: its directory, seed, metrics log, and the checkpoint
// and resume protocol, so that every pipeline resumes the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "rlab/core/checkpoint.h"
#include "rlab/core/metrics.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/stop_signal.h"
#include "rlab/pipeline/run/run_options.h"

namespace rlab::pipeline {

class RunContext {
 public:
  // `settings`: the run's config as {"section.key": value}, kept in every checkpoint; a
  // resume compares it with the checkpoint's and refuses a config edited since (see
  // Restore()). Empty: not recorded or compared.
  RunContext(RunDir dir, RunOptions options, bool resuming,
             nlohmann::json settings = nlohmann::json::object());

  const RunDir& dir() const { return dir_; }
  const RunOptions& options() const { return options_; }
  bool resuming() const { return resuming_; }
  uint64_t SeedFor(std::string_view stream) const { return DeriveSeed(options_.seed, stream); }
  MetricsLogger& metrics() { return metrics_; }

  // When resuming: loads the latest checkpoint into `state`, drops metric lines logged after
  // it, and returns its counters. Returns nullopt for a fresh run (or a run killed before
  // its first checkpoint, whose metrics are then discarded). Fails with "the checkpoint does
  // not match the config: key X was A, now B" when the settings differ from those the
  // checkpoint was written with.
  std::optional<nlohmann::json> Restore(const CheckpointState& state);

  // Whether a loop whose step counter moved from `before` to `after` passed a multiple of
  // log_every (checkpoint_every). Loops that advance one step at a time use the one-argument
  // forms; loops that advance in chunks (a PPO rollout is hundreds of steps) the two-argument
  // ones, so that no cadence is skipped. A checkpoint is also due at once when SIGTERM or
  // SIGUSR1 asked the run to stop (core/stop_signal.h).
  bool LogDue(int64_t before, int64_t after) const {
    return Crossed(before, after, options_.log_every);
  }
  bool CheckpointDue(int64_t before, int64_t after) const {
    if (pause_at_step_ > before && pause_at_step_ <= after) WaitForStopSignal();
    return Crossed(before, after, options_.checkpoint_every) || StopSignalReceived() != 0;
  }
  bool LogDue(int64_t step) const { return LogDue(step - 1, step); }
  bool CheckpointDue(int64_t step) const { return CheckpointDue(step - 1, step); }
  // Saves a checkpoint; `counters` must hold "step". Wall time so far is added. When a signal
  // asked the run to stop, the run ends here, its checkpoint written, by throwing
  // RunInterrupted (which the runner records in summary.json).
  void Checkpoint(const CheckpointState& state, nlohmann::json counters);

  // Seconds of work in this run, including the sessions before a resume.
  double wall_seconds() const;

 private:
  // Fails naming each setting that differs from the one recorded in `counters`.
  void CheckSettingsMatch(const nlohmann::json& counters) const;
  // The counters of the latest checkpoint, read without restoring anything; nullopt when
  // there is none or it cannot be read.
  std::optional<nlohmann::json> LatestCounters() const;

  // Fault injection for tests of stopping by signal: with RLAB_FAULT_PAUSE_AT_STEP=N the run
  // stops at step N, says so on stderr, and waits (at most a minute) for SIGTERM or SIGUSR1,
  // so that a test can send one at a known step.
  void WaitForStopSignal() const;

  static bool Crossed(int64_t before, int64_t after, int64_t every) {
    return every > 0 && after > before && before / every != after / every;
  }

  RunDir dir_;
  RunOptions options_;
  bool resuming_;
  nlohmann::json settings_;
  MetricsLogger metrics_;
  CheckpointManager checkpoints_;
  double wall_before_ = 0.0;
  int64_t pause_at_step_ = -1;  // RLAB_FAULT_PAUSE_AT_STEP, see WaitForStopSignal()
  std::chrono::steady_clock::time_point start_;
};

}  // namespace rlab::pipeline
