// How a run ends, as summary.json records it: "finished", "interrupted" by a stop signal after
// its checkpoint (its own, or a stage's) or "failed" with the error, which also goes to
// log.txt; interrupted and failed runs resume. A counting pipeline registered here stands in
// for a real one, so every case runs in milliseconds.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "pipeline/run/kill_support.h"
#include "pipeline/run_files.h"
#include "rlab/core/check.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/stop_signal.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/pipeline/run/stage_run.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

struct CountingConfig {
  int64_t steps = 4;
  int64_t fail_at = 0;  // fails at this step of a fresh run (0: never)
  int64_t stop_at = 0;  // SIGUSR1 arrives at this step of a fresh run (0: never)
  std::string stage;    // first runs a stage of this pipeline, stopped at its step 2
  std::string warn;     // what the run, once started, warns about
  RunOptions run;
  template <class V>
  void Fields(V& v) {
    v("steps", steps, "steps");
    v("fail_at", fail_at, "step to fail at");
    v("stop_at", stop_at, "step a stop signal arrives at");
    v("stage", stage, "pipeline of a stage to run first");
    v("warn", warn, "a warning the run gives as it starts");
    v("run", run, "run");
  }
  void Validate() const { WarnAboutRunCadence(run, steps); }
};

// Counts to `steps`, logging each step and checkpointing when asked.
class CountingPipeline : public ConfiguredPipeline<CountingConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const CountingConfig& c = config_;
    if (!c.warn.empty()) config::Warn(c.warn);
    if (!c.stage.empty()) {
      RunStage({ctx.dir().path(), "child", c.stage, {"steps=4", "stop_at=2"}, 1, 1});
    }
    CheckpointState state;
    state.IncludeTorchRng(false);
    int64_t step = 0;
    if (const auto counters = ctx.Restore(state)) step = (*counters)["step"].get<int64_t>();
    while (step < c.steps) {
      ++step;
      RLAB_CHECK(ctx.resuming() || step != c.fail_at, "counting failed at step {}", step);
      ctx.metrics().Log(step, {{"count", static_cast<double>(step)}});
      if (!ctx.resuming() && step == c.stop_at) RequestStop(SIGUSR1);
      if (ctx.CheckpointDue(step)) ctx.Checkpoint(state, {{"step", step}});
    }
    if (!ctx.CheckpointDue(step)) ctx.Checkpoint(state, {{"step", step}});
    return {{"count", step}};
  }
};

// The run directories in `dir` (not links to them).
std::vector<fs::path> RunDirsIn(const fs::path& dir) {
  std::vector<fs::path> runs;
  for (const fs::path& p : testing::RunsIn(dir)) {
    if (!fs::is_symlink(p) && RunDir::IsRun(p)) runs.push_back(p);
  }
  return runs;
}

void RegisterCounting() {
  RegisterBuiltins();
  if (!Pipelines().Contains("counting")) {
    Pipelines().Register({"counting", "counts (tests only)", {}, [](const SpecArgs&) {
                            return std::make_unique<CountingPipeline>();
                          }});
  }
}

class RunStatus : public ::testing::Test {
 protected:
  void SetUp() override { RegisterCounting(); }
  RunRequest Counting(std::vector<std::string> overrides) {
    RunRequest r;
    r.pipeline = "counting";
    r.overrides = std::move(overrides);
    r.overrides.push_back("run.out_dir=" + (scratch / "runs").string());
    r.overrides.push_back("run.checkpoint_every=3");
    r.threads = 1;
    return r;
  }
  static RunRequest ResumeOf(const fs::path& run) {
    RunRequest r;
    r.resume_dir = run.string();
    r.threads = 1;
    return r;
  }
  fs::path OnlyRun() {
    const std::vector<fs::path> runs = RunDirsIn(scratch / "runs");
    EXPECT_EQ(runs.size(), 1u);
    return runs.empty() ? fs::path() : runs.front();
  }
  testing::ScratchDir scratch{"run-status"};
};

TEST_F(RunStatus, AFinishedRunSaysSoAndCannotBeResumed) {
  const fs::path run = ExecuteRun(Counting({}));
  EXPECT_EQ(testing::RunSummary(run)["status"], "finished");
  EXPECT_TRUE(RunDir::Open(run).finished());
  EXPECT_NE(testing::ErrorOf([&] { ExecuteRun(ResumeOf(run)); }).find("already finished"),
            std::string::npos);
}

TEST_F(RunStatus, SettingsThatWasteTheRunAreWarnedAboutInTheLogAndTheSummary) {
  const fs::path run = ExecuteRun(Counting({"run.log_every=10", "warn=nothing to count"}));
  const nlohmann::json warnings = testing::RunSummary(run)["warnings"];
  ASSERT_EQ(warnings.size(), 2u) << warnings;
  EXPECT_EQ(warnings[0], "run.log_every is 10, more than the run's 4 steps: the run logs only "
                         "its last step");
  EXPECT_EQ(warnings[1], "nothing to count");
  const std::string log = testing::ReadText(run / "log.txt");
  EXPECT_TRUE(testing::Contains(log, "warning run.log_every is 10")) << log;
  EXPECT_TRUE(testing::Contains(log, "warning nothing to count")) << log;
  EXPECT_FALSE(testing::RunSummary(ExecuteRun(Counting({"run.log_every=1"}))).contains("warnings"));
}

TEST_F(RunStatus, ASummaryWithoutStatusIsAFinishedRunOfOlderVersions) {
  const fs::path run = ExecuteRun(Counting({}));
  testing::WriteText(run / "summary.json", "{\"count\": 4}\n");
  EXPECT_TRUE(RunDir::Open(run).finished());
}

TEST_F(RunStatus, AStopSignalCheckpointsAtItsStepMarksTheRunInterruptedAndResumeFinishesIt) {
  try {
    ExecuteRun(Counting({"stop_at=2"}));
    FAIL() << "the run was not interrupted";
  } catch (const RunInterrupted& e) {
    EXPECT_EQ(e.signal(), SIGUSR1);
    EXPECT_EQ(e.step(), 2);
    EXPECT_EQ(e.exit_status(), 128 + SIGUSR1);
    EXPECT_EQ(e.run_to_resume(), OnlyRun());
  }
  const fs::path run = OnlyRun();
  const nlohmann::json summary = testing::RunSummary(run);
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_EQ(summary["signal"], "SIGUSR1");
  EXPECT_EQ(summary["step"], 2);
  EXPECT_EQ(testing::RunMetricLines(run).back()["step"], 2);  // nothing logged after the checkpoint
  EXPECT_TRUE(testing::Contains(testing::ReadText(run / "log.txt"), "interrupted by SIGUSR1"));
  EXPECT_FALSE(RunDir::Open(run).finished());

  EXPECT_EQ(ExecuteRun(ResumeOf(run)), run);
  EXPECT_EQ(testing::RunSummary(run)["status"], "finished");
  EXPECT_EQ(testing::RunSummary(run)["count"], 4);
  EXPECT_EQ(testing::RunMetricLines(run).size(), 4u);  // each step logged once
}

TEST_F(RunStatus, AFailedRunRecordsItsErrorInSummaryAndLogAndResumes) {
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Counting({"fail_at=4"}));
            }).find("counting failed at step 4"),
            std::string::npos);
  const fs::path run = OnlyRun();  // kept: it holds the checkpoint of step 3
  const nlohmann::json summary = testing::RunSummary(run);
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_TRUE(testing::Contains(summary["error"].get<std::string>(), "counting failed at step 4"));
  EXPECT_TRUE(testing::Contains(testing::ReadText(run / "log.txt"), "counting failed at step 4"));
  EXPECT_FALSE(RunDir::Open(run).finished());

  ExecuteRun(ResumeOf(run));
  EXPECT_EQ(testing::RunSummary(run)["status"], "finished");
}

TEST_F(RunStatus, ARunThatFailsBeforeRecordingAnythingStillLeavesNoDirectory) {
  EXPECT_NE(testing::ErrorOf([&] { ExecuteRun(Counting({"fail_at=1"})); }), "");
  EXPECT_TRUE(RunDirsIn(scratch / "runs").empty());
}

TEST_F(RunStatus, AStopInAStageInterruptsTheStageThenItsParentAndResumeFinishesBoth) {
  EXPECT_THROW(ExecuteRun(Counting({"stage=counting"})), RunInterrupted);
  const fs::path parent = OnlyRun();
  const std::vector<fs::path> children = RunDirsIn(parent);
  ASSERT_EQ(children.size(), 1u);
  const fs::path child = children.front();
  EXPECT_EQ(testing::RunSummary(child)["status"], "interrupted");
  EXPECT_EQ(testing::RunSummary(child)["step"], 2);
  const nlohmann::json parent_summary = testing::RunSummary(parent);
  EXPECT_EQ(parent_summary["status"], "interrupted");
  EXPECT_EQ(parent_summary["stage"], child.filename().string());

  ExecuteRun(ResumeOf(parent));  // resumes the stage instead of reusing it, then the parent
  EXPECT_EQ(testing::RunSummary(child)["status"], "finished");
  EXPECT_EQ(testing::RunMetricLines(child).size(), 4u);
  EXPECT_EQ(testing::RunSummary(parent)["status"], "finished");
}

}  // namespace
}  // namespace rlab::pipeline
