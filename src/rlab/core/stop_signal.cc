#include "rlab/core/stop_signal.h"

#include <fmt/format.h>

#include <atomic>
#include <csignal>

namespace rlab {

namespace {

constexpr int kStopSignals[] = {SIGTERM, SIGUSR1};

// Written by the signal handler, so a lock-free atomic and nothing else.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

// Nesting depth of StopSignalScope and the handlers the outermost one replaced.
int g_scope_depth = 0;
struct sigaction g_previous[std::size(kStopSignals)];

extern "C" void RecordStopSignal(int signal) {
  int none = 0;
  // The first signal names the stop; later ones (a second SIGTERM while the checkpoint is
  // written) change nothing.
  g_stop_signal.compare_exchange_strong(none, signal);
}

}  // namespace

StopSignalScope::StopSignalScope() {
  if (g_scope_depth++ > 0) return;
  ClearStopRequest();
  struct sigaction action {};
  action.sa_handler = RecordStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // reads and writes in progress carry on
  for (size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i], &action, &g_previous[i]);
  }
}

StopSignalScope::~StopSignalScope() {
  if (--g_scope_depth > 0) return;
  for (size_t i = 0; i < std::size(kStopSignals); ++i) {
    sigaction(kStopSignals[i], &g_previous[i], nullptr);
  }
}

int StopSignalReceived() { return g_stop_signal.load(std::memory_order_relaxed); }

void RequestStop(int signal) { RecordStopSignal(signal); }

void ClearStopRequest() { g_stop_signal.store(0); }

std::string SignalName(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGINT: return "SIGINT";
    default: return fmt::format("signal {}", signal);
  }
}

RunInterrupted::RunInterrupted(int signal, int64_t step, std::filesystem::path checkpointed_run)
    : signal_(signal),
      step_(step),
      checkpointed_run_(std::move(checkpointed_run)),
      run_to_resume_(checkpointed_run_),
      message_(fmt::format("stopped by {} after the checkpoint at step {} of {}",
                           SignalName(signal), step, checkpointed_run_.string())) {}

}  // namespace rlab
