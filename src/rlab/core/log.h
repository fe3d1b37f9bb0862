// Logging: messages go to stderr and, during a run, also to the run's log.txt.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace rlab {

// Console-only logging (the CLI calls this once at start).
void InitConsoleLogging(bool verbose = false);
// The run's log file as a second destination while the object lives; the destination that
// was there before (none, or the log of an enclosing run whose stage this run is) comes back
// when it dies, also when the run ends with an error.
class ScopedLogFile {
 public:
  explicit ScopedLogFile(const std::filesystem::path& file);
  ~ScopedLogFile();
  ScopedLogFile(const ScopedLogFile&) = delete;
  ScopedLogFile& operator=(const ScopedLogFile&) = delete;

 private:
  std::shared_ptr<void> previous_;
};

// An error line in the run's log file alone, not on the console: the CLI prints the error
// itself, once. Nothing happens outside a run.
void LogErrorToRunFile(const std::string& message);

}  // namespace rlab
