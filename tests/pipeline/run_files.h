// What the pipeline tests read back from a run directory, and the copy-and-roll-back that
// every resume test needs: a finished run made to look as it was when killed right after one
// of its checkpoints.
#pragma once

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::testing {

inline nlohmann::json RunSummary(const std::filesystem::path& run) {
  return nlohmann::json::parse(ReadFile(run / "summary.json"));
}

// The metric lines of a run, in order.
inline std::vector<nlohmann::json> RunMetricLines(const std::filesystem::path& run) {
  std::vector<nlohmann::json> lines;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json& j) { lines.push_back(j); });
  return lines;
}

// Runs examples/<example> to its end with its runs directory in `scratch`, the overrides on
// top; returns the run directory.
inline std::filesystem::path RunExampleConfig(const std::string& example, const ScratchDir& scratch,
                                              std::vector<std::string> overrides = {},
                                              std::optional<int> threads = std::nullopt) {
  pipeline::RunRequest request;
  request.config_path = std::string(RLAB_SOURCE_DIR) + "/examples/" + example;
  request.threads = threads;
  request.overrides = {"run.out_dir=" + (scratch / "runs").string()};
  for (auto& o : overrides) request.overrides.push_back(std::move(o));
  return pipeline::ExecuteRun(request);
}

// Copies the finished run `full` to `cut` and rolls the copy back to its checkpoint at `step`:
// no summary, the checkpoint at `later_step` gone, `step` the latest. The caller may remove
// more (outputs written after `step`) before resuming.
inline void RollBackCopy(const std::filesystem::path& full, const std::filesystem::path& cut,
                         int64_t step, int64_t later_step) {
  namespace fs = std::filesystem;
  fs::copy(full, cut, fs::copy_options::recursive);
  fs::remove(cut / "summary.json");
  const auto name = [](int64_t s) { return fmt::format("step-{:09d}.pt", s); };
  fs::remove(cut / "checkpoints" / name(later_step));
  WriteFileAtomic(cut / "checkpoints" / "latest.json",
                  nlohmann::json{{"step", step}, {"file", name(step)}}.dump());
}

// Resumes the run in `dir` to its end with one libtorch thread.
inline void ResumeRun(const std::filesystem::path& dir) {
  pipeline::RunRequest resume;
  resume.resume_dir = dir.string();
  resume.threads = 1;
  pipeline::ExecuteRun(resume);
}

// `record` without the fields that measure the machine rather than the run (time_*, *_seconds,
// *_per_second, *_share, wall*, *_dir, seconds_per*), at every depth, and without the run's
// provenance (its command line, host and build): what two runs of the same config and seed must
// agree on. The same rule as bench/behaviour_compare.py's.
inline nlohmann::json WithoutMachineFields(const nlohmann::json& record) {
  static const std::regex kMachineField(
      "(^time_|_seconds?$|per_second|_share$|^wall|_dir$|^seconds_per|^provenance$)");
  if (!record.is_object()) return record;
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [key, value] : record.items()) {
    if (!std::regex_search(key, kMachineField)) kept[key] = WithoutMachineFields(value);
  }
  return kept;
}

}  // namespace rlab::testing
