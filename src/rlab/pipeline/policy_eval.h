// Evaluating a trained control policy: rebuilds the agent of a train-rl run from its saved
// config, loads its latest checkpoint, and plays whole episodes on a fresh environment.
//
//   rlab eval-policy RUN_DIR --episodes 100
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>

namespace rlab::pipeline {

struct PolicyEvalOptions {
  int64_t episodes = 100;
  uint64_t seed = 12345;       // of the evaluation environment and any sampled actions
  bool deterministic = true;   // the most likely (or mean) action instead of a sample
};

// Returns {"episodes", "mean_return", "std_return", "min_return", "max_return",
// "mean_length", "checkpoint_step", ...} and writes it to RUN_DIR/eval.json.
nlohmann::json EvaluatePolicy(const std::filesystem::path& run_dir, const PolicyEvalOptions& options);

}  // namespace rlab::pipeline
