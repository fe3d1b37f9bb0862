// A run inside a run: a pipeline that needs an earlier stage (the SFT model a DPO or RL run
// starts from, the reward model an RL run optimises) runs it as a child run directory
// <parent>/<stage>-<timestamp>, with its own config, metrics, checkpoints and summary. A
// resumed parent finds the child again: a finished child is reused as it is, an unfinished one
// is resumed, so no stage is trained twice.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace rlab::pipeline {

struct StageRequest {
  std::filesystem::path parent;        // the parent's run directory
  std::string stage;                   // the child's run name, e.g. "sft"
  std::string pipeline;                // the child's pipeline, e.g. "sft"
  std::vector<std::string> overrides;  // its settings ("section.key=value")
  std::optional<int> threads;          // the parent's run.threads
  int blas_threads = 0;                // the parent's run.blas_threads (0: automatic)
};

// Runs (or reuses, or resumes) the stage; returns the child's run directory.
std::filesystem::path RunStage(const StageRequest& request);

}  // namespace rlab::pipeline
