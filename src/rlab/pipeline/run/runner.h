// Starting and resuming runs: config file + overrides -> validated config -> run directory
// -> pipeline -> summary.json. Used by `rlab run` and by tests.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rlab::pipeline {

struct RunRequest {
  std::string config_path;             // the YAML config (not needed to resume)
  std::string pipeline;                // without a config file: this pipeline's defaults
  std::vector<std::string> overrides;  // "section.key=value"
  std::string resume_dir;              // continue this run instead of starting one
  std::optional<int> threads;          // --threads, overrides run.threads
  // With `pipeline` and no config file: a YAML (or JSON) config held in memory, applied over
  // the pipeline's defaults (its `pipeline` key skipped), named `config_source` in errors.
  std::string config_text;
  std::string config_source;
};

// Runs to the end and returns the run directory. Throws rlab::Error on bad input, and
// RunInterrupted (core/stop_signal.h) when SIGTERM or SIGUSR1 stopped the run after a
// checkpoint; either way summary.json records how the run ended (see run_dir.h).
std::filesystem::path ExecuteRun(const RunRequest& request);

// The pipeline name a config file asks for (its top-level `pipeline:` key).
std::string PipelineNameOf(const std::string& config_path);

}  // namespace rlab::pipeline
