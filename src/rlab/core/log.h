// Logging: messages go to stderr and, during a run, also to the run's log.txt.
#pragma once

#include <filesystem>

namespace rlab {

// Console-only logging (the CLI calls this once at start).
void InitConsoleLogging(bool verbose = false);
// Adds (or replaces) the run's log file as a second destination.
void LogToFile(const std::filesystem::path& file);
void StopLoggingToFile();

}  // namespace rlab
