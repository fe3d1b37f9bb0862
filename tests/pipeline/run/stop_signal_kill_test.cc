// A real `rlab run` pre-empted as a cluster does it: SIGTERM mid-run (twice, the second while
// the first is handled). The run writes a checkpoint at the step it was on, records status
// "interrupted" in summary.json, says how to resume and exits with 128 + SIGTERM; nothing
// logged is lost, and `rlab run --resume` ends with exactly the metrics and summary of a run
// that was never stopped. The run waits at a known step for the signal
// (RLAB_FAULT_PAUSE_AT_STEP), so the test does not race it.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "pipeline/run/kill_support.h"
#include "pipeline/run_files.h"
#include "rlab/core/run_dir.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

// bt-recovery at a small size: 40 steps, a metric line every 5, no periodic checkpoint.
std::vector<std::string> SmallBtRecovery(const fs::path& out_dir) {
  return {"run",
          std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml",
          "data.items=200",
          "data.train_pairs=400",
          "data.heldout_pairs=100",
          "train.steps=40",
          "train.batch_size=32",
          "run.log_every=5",
          "run.checkpoint_every=0",
          "run.threads=1",
          "run.progress_seconds=1000",
          "run.out_dir=" + out_dir.string()};
}

// Waits (at most 60 s) until `file` holds `text`.
bool WaitForText(const fs::path& file, const std::string& text) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    if (fs::exists(file) && testing::Contains(testing::ReadText(file), text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(StopSignal, SigtermMidRunCheckpointsTheLastLoggedStepAndResumesToTheUninterruptedRun) {
  testing::ScratchDir scratch("stop-signal");
  const testing::CommandResult reference = testing::RunRlab(SmallBtRecovery(scratch / "reference"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const fs::path out_dir = scratch / "stopped";
  const fs::path err = scratch / "stopped.err";
  const int pid = testing::SpawnRlab(SmallBtRecovery(out_dir), scratch / "stopped.out", err,
                                     {"RLAB_FAULT_PAUSE_AT_STEP=20"});
  ASSERT_TRUE(WaitForText(err, "waiting for a stop signal at step 20"));
  ::kill(pid, SIGTERM);
  ::kill(pid, SIGTERM);  // a second notice while the first is handled changes nothing
  EXPECT_EQ(testing::WaitFor(pid), 128 + SIGTERM);

  std::vector<fs::path> runs = testing::RunsIn(out_dir);
  std::erase_if(runs, [](const fs::path& p) { return fs::is_symlink(p) || !RunDir::IsRun(p); });
  ASSERT_EQ(runs.size(), 1u);
  const fs::path run = runs.front();
  const std::string stderr_text = testing::ReadText(err);
  EXPECT_TRUE(testing::Contains(stderr_text, "resume with `rlab run --resume " + run.string()))
      << stderr_text;
  const nlohmann::json summary = testing::RunSummary(run);
  EXPECT_EQ(summary["status"], "interrupted");
  EXPECT_EQ(summary["signal"], "SIGTERM");
  EXPECT_EQ(summary["step"], 20);
  const nlohmann::json latest =
      nlohmann::json::parse(testing::ReadText(run / "checkpoints" / "latest.json"));
  EXPECT_EQ(latest["step"], 20);
  EXPECT_EQ(testing::RunMetricLines(run).back()["step"], 20);  // the last logged step
  EXPECT_TRUE(testing::Contains(testing::ReadText(run / "log.txt"), "interrupted by SIGTERM"));
  EXPECT_FALSE(RunDir::Open(run).finished());

  testing::ResumeKilledRun(run, "stopped by SIGTERM at step 20");
  // The same metric lines and summary as the run never stopped (machine fields and the
  // record of how the run was started aside).
  const fs::path reference_run = testing::LastLine(reference.out);
  EXPECT_EQ(testing::ComparableLines(run / "metrics.jsonl"),
            testing::ComparableLines(reference_run / "metrics.jsonl"));
  const auto results = [](const fs::path& dir) {
    nlohmann::json summary = testing::WithoutMachineFields(testing::RunSummary(dir));
    summary.erase("provenance");
    return summary;
  };
  EXPECT_EQ(results(run), results(reference_run));
}

}  // namespace
}  // namespace rlab
