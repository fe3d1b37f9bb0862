// A run killed with SIGKILL part-way and resumed with --resume must end with exactly the
// metrics and summary of a run that was never interrupted: the control pipeline (bt_recovery)
// byte for byte, and the language-model pipelines (sft, dpo, and rl with GRPO) line for line,
// leaving out only the fields that measure the machine (time_*, *_per_second, ...). Each run is
// killed mid-run, after a checkpoint and before the final one (a kill after the final
// checkpoint or before the first is a known, separate case).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "rlab/core/io.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Args(const fs::path& out_dir) {
  return {"run",
          std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml",
          "run.out_dir=" + out_dir.string(),
          "run.threads=1",
          "train.steps=8000",
          "run.log_every=50",
          "run.checkpoint_every=200",
          "run.progress_seconds=1000"};
}

fs::path OnlyRunIn(const fs::path& out_dir) {
  std::vector<fs::path> dirs;
  if (fs::exists(out_dir)) {
    for (const auto& e : fs::directory_iterator(out_dir)) dirs.push_back(e.path());
  }
  return dirs.size() == 1 ? dirs[0] : fs::path();
}

nlohmann::json SummaryWithoutTime(const fs::path& run) {
  auto s = nlohmann::json::parse(testing::ReadText(run / "summary.json"));
  s.erase("wall_seconds");
  return s;
}

// A run started with `args` and killed with SIGKILL.
struct KilledRun {
  fs::path run;               // its run directory
  int64_t killed_after = -1;  // the step of its latest checkpoint when it was killed
};

// Starts rlab with `args`, writing its runs under `out_dir`, and kills it as soon as its latest
// checkpoint is at step `kill_step` or later. Fails the test when the run ends first.
KilledRun StartAndKill(const std::vector<std::string>& args, const fs::path& out_dir,
                       const testing::ScratchDir& scratch, int64_t kill_step) {
  const int pid = testing::SpawnRlab(args, scratch / "out", scratch / "err");
  KilledRun killed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (killed.run.empty()) killed.run = OnlyRunIn(out_dir);
    if (!killed.run.empty() && fs::exists(killed.run / "checkpoints" / "latest.json")) {
      const auto latest = nlohmann::json::parse(
          testing::ReadText(killed.run / "checkpoints" / "latest.json"), nullptr, false);
      if (!latest.is_discarded() && latest["step"].get<int64_t>() >= kill_step) {
        ::kill(pid, SIGKILL);
        killed.killed_after = latest["step"];
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(testing::WaitFor(pid), 128 + SIGKILL) << "the run ended before it could be killed";
  return killed;
}

// Resumes the killed run in `run` with the command line and checks that it says so.
void ResumeWithTheCommandLine(const fs::path& run) {
  const auto resumed = testing::RunRlab({"run", "--resume", run.string(), "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(testing::LastLine(resumed.out), run.string());
  EXPECT_NE(resumed.err.find("resumed from the checkpoint at step"), std::string::npos)
      << resumed.err;
}

TEST(Resume, KilledRunResumesToIdenticalMetrics) {
  testing::ScratchDir scratch("resume");
  const auto reference = testing::RunRlab(Args(scratch / "reference"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const fs::path reference_run = testing::LastLine(reference.out);

  // Start the same run and kill it once a few checkpoints exist.
  const KilledRun killed =
      StartAndKill(Args(scratch / "killed"), scratch / "killed", scratch, 1000);
  const fs::path& run = killed.run;
  ASSERT_FALSE(fs::exists(run / "summary.json"));
  ASSERT_GE(killed.killed_after, 1000);

  ResumeWithTheCommandLine(run);

  EXPECT_EQ(testing::ReadText(run / "metrics.jsonl"),
            testing::ReadText(reference_run / "metrics.jsonl"));
  EXPECT_EQ(SummaryWithoutTime(run), SummaryWithoutTime(reference_run));
  int lines = 0;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json&) { ++lines; });
  EXPECT_EQ(lines, 8000 / 50);
}

// A language-model run of examples/<example> made small by `overrides`, with its total steps
// and the step after whose checkpoint it is killed (one of several before the final one).
struct SmallLmRun {
  std::string example;
  std::vector<std::string> overrides;
  int64_t total_steps;
  int64_t kill_step;
};

std::vector<std::string> SmallLmArgs(const SmallLmRun& r, const fs::path& out_dir) {
  std::vector<std::string> args = {"run", std::string(RLAB_SOURCE_DIR) + "/examples/" + r.example};
  args.insert(args.end(), r.overrides.begin(), r.overrides.end());
  args.insert(args.end(),
              {"run.out_dir=" + out_dir.string(), "run.threads=1", "run.progress_seconds=1000"});
  return args;
}

// Runs `r` to its end, then again killed mid-run and resumed; the resumed run's metric lines
// and summary equal the uninterrupted run's, apart from the fields that measure the machine.
void ExpectKilledLmRunResumesToIdenticalMetrics(const SmallLmRun& r) {
  testing::ScratchDir scratch("resume-" + r.example);
  const auto reference = testing::RunRlab(SmallLmArgs(r, scratch / "reference"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const fs::path reference_run = testing::LastLine(reference.out);
  const auto reference_lines = testing::RunMetricLines(reference_run);

  const KilledRun killed =
      StartAndKill(SmallLmArgs(r, scratch / "killed"), scratch / "killed", scratch, r.kill_step);
  ASSERT_FALSE(fs::exists(killed.run / "summary.json"));
  ASSERT_GE(killed.killed_after, r.kill_step);
  ASSERT_LT(killed.killed_after, r.total_steps)
      << "killed after the final checkpoint: make the run longer";

  ResumeWithTheCommandLine(killed.run);

  const auto resumed_lines = testing::RunMetricLines(killed.run);
  ASSERT_EQ(resumed_lines.size(), reference_lines.size());
  for (size_t i = 0; i < resumed_lines.size(); ++i) {
    EXPECT_EQ(testing::WithoutMachineFields(resumed_lines[i]).dump(),
              testing::WithoutMachineFields(reference_lines[i]).dump())
        << "metric line " << i + 1 << " (killed after step " << killed.killed_after << ")";
  }
  EXPECT_EQ(testing::WithoutMachineFields(testing::RunSummary(killed.run)).dump(),
            testing::WithoutMachineFields(testing::RunSummary(reference_run)).dump());
}

TEST(Resume, KilledSftRunResumesToIdenticalMetrics) {
  // 120 steps of the tiny preset on 2000 addition problems; evaluations at 40, 80 and the end.
  ExpectKilledLmRunResumesToIdenticalMetrics(
      {.example = "sft_arithmetic.yaml",
       .overrides = {"optim.steps=120", "optim.batch_size=16", "data.task_train_examples=2000",
                     "data.eval_examples=16", "eval_every=40", "run.log_every=10",
                     "run.checkpoint_every=30"},
       .total_steps = 120,
       .kill_step = 30});
}

TEST(Resume, KilledDpoRunResumesToIdenticalMetrics) {
  // DPO (rpo) from the tiny preset as given (no SFT stage), 40 steps of 4 pairs.
  ExpectKilledLmRunResumesToIdenticalMetrics(
      {.example = "dpo_synthetic.yaml",
       .overrides = {"sft.steps=0", "optim.steps=40", "optim.batch_size=4",
                     "data.task_train_pairs=64", "data.task_eval_pairs=8",
                     "data.task_eval_prompts=8", "eval_every=20", "eval_batch_size=8",
                     "run.log_every=5", "run.checkpoint_every=10"},
       .total_steps = 40,
       .kill_step = 10});
}

TEST(Resume, KilledGrpoRunResumesToIdenticalMetrics) {
  // GRPO from the tiny preset as given (no SFT stage), 12 steps of 4 prompts x 4 completions.
  ExpectKilledLmRunResumesToIdenticalMetrics(
      {.example = "grpo_arithmetic.yaml",
       .overrides = {"sft.steps=0", "data=task:arithmetic(digits=1)", "optim.steps=12",
                     "optim.batch_size=4", "group_size=4", "eval_every=4", "eval_prompts=8",
                     "run.log_every=1", "run.checkpoint_every=3"},
       .total_steps = 12,
       .kill_step = 3});
}

}  // namespace
}  // namespace rlab
