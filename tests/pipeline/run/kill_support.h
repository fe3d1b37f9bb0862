// Killing a run at an exact moment and checking that `rlab run --resume` finishes it as if
// nothing had happened. The moment is one of the atomic renames of core/io.cc, named by its
// fault-injection variables (RLAB_FAULT_KILL_BEFORE_RENAME / _AFTER_RENAME): the run is
// started with the variable set, sends itself SIGKILL there, and is then resumed without it.
//
//   const auto args = [&](const fs::path& out) { return std::vector<std::string>{
//       "run", "examples/x.yaml", "run.out_dir=" + out.string(), ...}; };
//   testing::ExpectKilledRunsResumeToTheReference("x", args, testing::StandardKillPoints(3));
#pragma once

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "pipeline/run_files.h"
#include "rlab/core/run_dir.h"
#include "test_support.h"

namespace rlab::testing {

// Where a run is killed: right before (or right after) its `occurrence`-th atomic rename onto a
// file named `file`, a glob ("step-*.pt" is any checkpoint file).
struct KillPoint {
  std::string file;
  int64_t occurrence = 1;
  bool after_rename = false;

  std::string Variable() const {
    return after_rename ? "RLAB_FAULT_KILL_AFTER_RENAME" : "RLAB_FAULT_KILL_BEFORE_RENAME";
  }
  std::string Describe() const {
    return fmt::format("killed {} rename {} onto {}", after_rename ? "after" : "before", occurrence,
                       file);
  }
};

// Before the first checkpoint file is in place: the run resumes from the beginning.
inline KillPoint BeforeFirstCheckpoint() { return {"step-*.pt", 1, false}; }
// With checkpoint `n` (1-based) written but latest.json still naming checkpoint n - 1.
inline KillPoint BetweenCheckpointAndIndex(int64_t n) { return {"latest.json", n, false}; }
// Right after latest.json names checkpoint `n`, the run's last when `n` is its count.
inline KillPoint AfterCheckpoint(int64_t n) { return {"latest.json", n, true}; }
// With summary.json written to its temporary file but not renamed into place. A run with
// child runs (stages) writes their summaries first: `n` counts them.
inline KillPoint BeforeSummaryRename(int64_t n = 1) { return {"summary.json", n, false}; }

// The four moments every pipeline is killed at, for a run that writes `checkpoints`
// checkpoints (at least 2), the last one after its final step.
inline std::vector<KillPoint> StandardKillPoints(int64_t checkpoints) {
  return {BeforeFirstCheckpoint(), BetweenCheckpointAndIndex(2), AfterCheckpoint(checkpoints),
          BeforeSummaryRename()};
}

// The run directories directly under `out_dir` (not the NAME-latest links to them).
inline std::vector<std::filesystem::path> RunsIn(const std::filesystem::path& out_dir) {
  std::vector<std::filesystem::path> runs;
  if (!std::filesystem::is_directory(out_dir)) return runs;
  for (const auto& e : std::filesystem::directory_iterator(out_dir)) {
    if (e.is_directory() && !e.is_symlink()) runs.push_back(e.path());
  }
  std::sort(runs.begin(), runs.end());
  return runs;
}

// Runs rlab with `args` (which put its run under `out_dir`) set to die at `point`; expects it
// to die by SIGKILL there and returns its run directory, or an empty path when it did not.
inline std::filesystem::path RunKilledAt(const std::vector<std::string>& args,
                                         const std::filesystem::path& out_dir,
                                         const KillPoint& point) {
  const std::filesystem::path log = out_dir.string() + ".log";
  std::filesystem::create_directories(out_dir);
  const int pid =
      SpawnRlab(args, log.string() + ".out", log.string() + ".err",
                {fmt::format("{}={}:{}", point.Variable(), point.file, point.occurrence)});
  const int status = WaitFor(pid);
  EXPECT_EQ(status, 128 + SIGKILL)
      << point.Describe() << ": the run was not killed (exit " << status << "); stderr:\n"
      << ReadText(log.string() + ".err");
  const std::vector<std::filesystem::path> runs = RunsIn(out_dir);
  EXPECT_EQ(runs.size(), 1u) << point.Describe() << ": expected one run directory in "
                             << out_dir.string();
  if (status != 128 + SIGKILL || runs.size() != 1) return {};
  return runs.front();
}

// Resumes `run` to its end with `rlab run --resume`.
inline void ResumeKilledRun(const std::filesystem::path& run, const std::string& context) {
  const CommandResult resumed = RunRlab({"run", "--resume", run.string(), "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << context << ": --resume failed:\n" << resumed.err;
  EXPECT_EQ(LastLine(resumed.out), run.string()) << context;
}

// The lines of a JSONL file without their machine fields (see WithoutMachineFields).
inline std::vector<std::string> ComparableLines(const std::filesystem::path& file) {
  std::vector<std::string> lines;
  if (!std::filesystem::exists(file)) return lines;
  ForEachJsonl(file,
               [&](const nlohmann::json& j) { lines.push_back(WithoutMachineFields(j).dump()); });
  return lines;
}

// The stage a child run directory belongs to: its name without the "-YYYYmmdd-HHMMSS[-n]"
// that RunDir::Create appends.
inline std::string StageOf(const std::filesystem::path& child) {
  static const std::regex kTimestamp("-[0-9]{8}-[0-9]{6}(-[0-9]+)?$");
  return std::regex_replace(child.filename().string(), kTimestamp, "");
}

// Expects `run` to hold the results of `reference`: the same metric lines, summary and
// `extra_files` (JSONL files, compared line by line), machine fields aside, and the same for
// every child run (stage) of the reference, matched by stage name.
inline void ExpectSameRunResults(const std::filesystem::path& run,
                                 const std::filesystem::path& reference, const std::string& context,
                                 const std::vector<std::string>& extra_files = {}) {
  namespace fs = std::filesystem;
  ASSERT_TRUE(fs::exists(run / "summary.json")) << context << ": no summary in " << run;
  EXPECT_EQ(WithoutMachineFields(RunSummary(run)).dump(),
            WithoutMachineFields(RunSummary(reference)).dump())
      << context << ": summary.json of " << run;
  std::vector<std::string> files = {"metrics.jsonl"};
  files.insert(files.end(), extra_files.begin(), extra_files.end());
  for (const std::string& name : files) {
    const std::vector<std::string> expected = ComparableLines(reference / name);
    const std::vector<std::string> got = ComparableLines(run / name);
    EXPECT_EQ(got.size(), expected.size()) << context << ": lines of " << run / name;
    for (size_t i = 0; i < std::min(got.size(), expected.size()); ++i) {
      EXPECT_EQ(got[i], expected[i]) << context << ": line " << i + 1 << " of " << run / name;
    }
  }
  for (const fs::path& child : RunsIn(reference)) {
    if (!RunDir::IsRun(child)) continue;
    const std::vector<fs::path> runs = RunsIn(run);
    const auto same_stage = std::find_if(runs.begin(), runs.end(), [&](const fs::path& p) {
      return StageOf(p) == StageOf(child) && RunDir::IsRun(p);
    });
    ASSERT_NE(same_stage, runs.end())
        << context << ": no stage " << StageOf(child) << " in " << run;
    ExpectSameRunResults(*same_stage, child, context);
  }
}

// Runs the command that `args_for(out_dir)` gives to its end, then once per kill point: kills
// a fresh run at that point, resumes it, and expects the results of the uninterrupted run.
inline void ExpectKilledRunsResumeToTheReference(
    const std::string& name,
    const std::function<std::vector<std::string>(const std::filesystem::path&)>& args_for,
    const std::vector<KillPoint>& points, const std::vector<std::string>& extra_files = {}) {
  ScratchDir scratch("kill-" + name);
  const CommandResult reference = RunRlab(args_for(scratch / "reference"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const std::filesystem::path reference_run = LastLine(reference.out);
  for (size_t i = 0; i < points.size(); ++i) {
    const std::string context = name + ", " + points[i].Describe();
    const std::filesystem::path out_dir = scratch / fmt::format("killed-{}", i);
    const std::filesystem::path run = RunKilledAt(args_for(out_dir), out_dir, points[i]);
    if (run.empty()) continue;
    ResumeKilledRun(run, context);
    ExpectSameRunResults(run, reference_run, context, extra_files);
  }
}

}  // namespace rlab::testing
