// Console logging for a subcommand that logs: info lines, and debug lines too (among them
// where each error was raised in rewardlab's code) when the command line starts `rlab -v`.
#pragma once

namespace rlab::cli {

// Called by main when -v/--verbose is given, before any subcommand runs.
void EnableVerboseLogging();
// Called by a subcommand before it logs.
void InitCommandLogging();

}  // namespace rlab::cli
