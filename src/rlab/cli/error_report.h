// How `rlab` reports a failure: one line "rlab: error: ..." on stderr and an exit status, 2
// for a command line that cannot be run as given (an unknown command or flag, a flag's value
// out of range, a missing config file) and 1 for everything else; a run stopped by SIGTERM or
// SIGUSR1 after its checkpoint says how to resume it and exits with 128 + signal. No libtorch
// backtrace or internal source location reaches the user.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace rlab::cli {

inline constexpr int kUsageExit = 2;
inline constexpr int kFailureExit = 1;

// A command line that asks for something that cannot be done as given; a subcommand's
// callback throws it where CLI11's own checks cannot tell (exit status 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reports a CLI11 parse error (help and --version print as CLI11 prints them) and returns the
// exit status. An unknown subcommand or flag is named with the closest valid ones.
int ReportParseError(CLI::App& app, const CLI::ParseError& error);

// Reports the exception being handled (call it inside a catch block) and returns the exit
// status.
int ReportCurrentException(const CLI::App& app);

}  // namespace rlab::cli
