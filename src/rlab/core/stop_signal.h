// Stopping a run cleanly on SIGTERM or SIGUSR1, the notices a cluster sends before it pre-empts
// a job. The handler only records the signal; the run notices it at its next checkpoint
// (RunContext::CheckpointDue), writes the checkpoint and ends by throwing RunInterrupted, which
// the runner turns into summary.json's status "interrupted" and the CLI into exit status
// 128 + signal. A second signal while the checkpoint is written changes nothing.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

namespace rlab {

// Installs the handlers for SIGTERM and SIGUSR1 while the outermost scope lives (scopes nest:
// a stage run inside a run installs nothing) and restores the previous ones when it dies.
// A stop requested before the scope opened is forgotten.
class StopSignalScope {
 public:
  StopSignalScope();
  ~StopSignalScope();
  StopSignalScope(const StopSignalScope&) = delete;
  StopSignalScope& operator=(const StopSignalScope&) = delete;
};

// The signal that asked the run to stop (SIGTERM, SIGUSR1), or 0 when none did.
int StopSignalReceived();
// What the handler does, for tests and for callers that stop a run themselves.
void RequestStop(int signal);
void ClearStopRequest();
// "SIGTERM", "SIGUSR1", or "signal N".
std::string SignalName(int signal);

// Thrown after the checkpoint a stop request asked for has been written. Not an rlab::Error:
// nothing that handles errors may take it for one.
class RunInterrupted : public std::exception {
 public:
  RunInterrupted(int signal, int64_t step, std::filesystem::path checkpointed_run);
  const char* what() const noexcept override { return message_.c_str(); }

  int signal() const { return signal_; }
  // The step of the checkpoint, in the run that wrote it (a stage's, for a stage run).
  int64_t step() const { return step_; }
  const std::filesystem::path& checkpointed_run() const { return checkpointed_run_; }
  // The outermost run, which `rlab run --resume` continues; each runner it passes through
  // sets it to its own directory.
  const std::filesystem::path& run_to_resume() const { return run_to_resume_; }
  void set_run_to_resume(std::filesystem::path dir) { run_to_resume_ = std::move(dir); }
  // Exit status of a process that ends this way: 128 + signal, as a shell reports it.
  int exit_status() const { return 128 + signal_; }

 private:
  int signal_;
  int64_t step_;
  std::filesystem::path checkpointed_run_;
  std::filesystem::path run_to_resume_;
  std::string message_;
};

}  // namespace rlab
