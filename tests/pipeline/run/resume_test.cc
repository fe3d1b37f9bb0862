// A run killed with SIGKILL part-way and resumed with --resume must end with exactly the
// metrics and summary of a run that was never interrupted: the control pipeline (bt_recovery)
// byte for byte, and the language-model pipelines (sft, dpo) line for line, leaving out only
// the fields that measure the machine (time_*, *_per_second, ...). Each run is killed
// (kill_support.h) with a checkpoint written and not yet named by latest.json, before the
// final one; kill_resume_test.cc kills the other pipelines at every moment that matters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pipeline/run/kill_support.h"
#include "pipeline/run_files.h"
#include "rlab/core/io.h"
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

// summary.json without its timings and provenance (a resume adds its command line there).
nlohmann::json SummaryWithoutMachineFields(const fs::path& run) {
  return testing::WithoutMachineFields(
      nlohmann::json::parse(testing::ReadText(run / "summary.json")));
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

  // Start the same run and kill it with its sixth checkpoint (step 1200) written but not yet
  // named by latest.json.
  const fs::path run = testing::RunKilledAt(Args(scratch / "killed"), scratch / "killed",
                                            testing::BetweenCheckpointAndIndex(6));
  ASSERT_FALSE(run.empty());
  ASSERT_FALSE(fs::exists(run / "summary.json"));

  ResumeWithTheCommandLine(run);

  EXPECT_EQ(testing::ReadText(run / "metrics.jsonl"),
            testing::ReadText(reference_run / "metrics.jsonl"));
  EXPECT_EQ(SummaryWithoutMachineFields(run), SummaryWithoutMachineFields(reference_run));
  int lines = 0;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json&) { ++lines; });
  EXPECT_EQ(lines, 8000 / 50);
}

// A language-model run of examples/<example> made small by `overrides`, killed with its
// `kill_checkpoint`-th checkpoint (one of several before the final one) written but not yet
// named by latest.json.
struct SmallLmRun {
  std::string example;
  std::vector<std::string> overrides;
  int64_t kill_checkpoint;
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

  const testing::KillPoint point = testing::BetweenCheckpointAndIndex(r.kill_checkpoint);
  const fs::path run =
      testing::RunKilledAt(SmallLmArgs(r, scratch / "killed"), scratch / "killed", point);
  ASSERT_FALSE(run.empty());
  ASSERT_FALSE(fs::exists(run / "summary.json"));

  ResumeWithTheCommandLine(run);

  testing::ExpectSameRunResults(run, reference_run, r.example + ", " + point.Describe());
}

TEST(Resume, KilledSftRunResumesToIdenticalMetrics) {
  // 120 steps of the tiny preset on 2000 addition problems; evaluations at 40, 80 and the end.
  ExpectKilledLmRunResumesToIdenticalMetrics(
      {.example = "sft_arithmetic.yaml",
       .overrides = {"optim.steps=120", "optim.batch_size=16", "data.task_train_examples=2000",
                     "data.eval_examples=16", "eval_every=40", "run.log_every=10",
                     "run.checkpoint_every=30"},
       .kill_checkpoint = 2});
}

TEST(Resume, KilledDpoRunResumesToIdenticalMetrics) {
  // DPO (the example's sigmoid loss) from the tiny preset as given (no SFT stage), 40 steps
  // of 4 pairs.
  ExpectKilledLmRunResumesToIdenticalMetrics(
      {.example = "dpo_synthetic.yaml",
       .overrides = {"sft.steps=0", "optim.steps=40", "optim.batch_size=4",
                     "data.task_train_pairs=64", "data.task_eval_pairs=8",
                     "data.task_eval_prompts=8", "eval_every=20", "eval_batch_size=8",
                     "run.log_every=5", "run.checkpoint_every=10"},
       .kill_checkpoint = 2});
}

}  // namespace
}  // namespace rlab
