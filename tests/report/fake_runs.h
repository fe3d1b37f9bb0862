// Hand-written run directories for the report tests.
#pragma once

#include <filesystem>
#include <string>

#include "test_support.h"

namespace rlab::report::testing_runs {

struct FakeRun {
  std::string config = "pipeline: bt-recovery\ntrain:\n  steps: 40\n";
  std::string metrics;
  std::string summary = R"({"pipeline": "bt-recovery", "heldout_accuracy": 0.9, "steps": 40})";
};

// Writes config.yaml, metrics.jsonl and summary.json (each only when non-empty) and
// checkpoints/ under `dir`.
inline std::filesystem::path WriteRun(const std::filesystem::path& dir, const FakeRun& run) {
  std::filesystem::create_directories(dir / "checkpoints");
  if (!run.config.empty()) rlab::testing::WriteText(dir / "config.yaml", run.config);
  if (!run.metrics.empty()) rlab::testing::WriteText(dir / "metrics.jsonl", run.metrics);
  if (!run.summary.empty()) rlab::testing::WriteText(dir / "summary.json", run.summary);
  return dir;
}

// A bt-recovery-like metrics file: loss falls, accuracies rise; `offset` shifts the values so
// two runs differ. Step 20 has a null pearson (a gap).
inline std::string BtMetrics(double offset) {
  std::string text;
  for (int step = 0; step <= 40; step += 10) {
    const double t = step / 40.0;
    const std::string pearson = step == 20 ? "null" : std::to_string(0.2 + 0.7 * t - offset);
    text += "{\"step\": " + std::to_string(step) +
            ", \"loss\": " + std::to_string(0.7 - 0.4 * t + offset) +
            ", \"heldout_accuracy\": " + std::to_string(0.55 + 0.35 * t - offset) +
            ", \"pearson\": " + pearson + "}\n";
  }
  return text;
}

// Occurrences of `needle` in `hay`.
inline int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace rlab::report::testing_runs
