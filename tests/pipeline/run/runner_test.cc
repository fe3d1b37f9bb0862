// Bad input to the runner: every mistake gets an error that says what and where.
#include "rlab/pipeline/run/runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "rlab/core/check.h"
#include "rlab/core/run_lock.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

std::string ErrorOf(const RunRequest& request) {
  try {
    ExecuteRun(request);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class RunnerErrors : public ::testing::Test {
 protected:
  testing::ScratchDir dir{"runner"};
  RunRequest WithConfig(const std::string& text) {
    testing::WriteText(dir / "c.yaml", text);
    RunRequest r;
    r.config_path = (dir / "c.yaml").string();
    r.overrides = {"run.out_dir=" + (dir / "runs").string()};
    return r;
  }
};

TEST_F(RunnerErrors, MissingOrUnknownPipeline) {
  EXPECT_NE(ErrorOf(WithConfig("train: {steps: 1}\n")).find("missing top-level key 'pipeline'"),
            std::string::npos);
  const std::string e = ErrorOf(WithConfig("pipeline: nope\n"));
  EXPECT_NE(e.find("unknown pipeline 'nope'"), std::string::npos) << e;
  EXPECT_NE(e.find("bt-recovery"), std::string::npos) << e;
}

TEST_F(RunnerErrors, UnknownKeyWrongTypeAndInvalidValue) {
  std::string e = ErrorOf(WithConfig("pipeline: bt-recovery\ntrain:\n  stpes: 3\n"));
  EXPECT_NE(e.find("c.yaml:3:3: unknown key 'train.stpes'"), std::string::npos) << e;
  e = ErrorOf(WithConfig("pipeline: bt-recovery\ntrain:\n  steps: lots\n"));
  EXPECT_NE(e.find("c.yaml:3:10: key 'train.steps': expected an integer"), std::string::npos) << e;
  e = ErrorOf(WithConfig("pipeline: bt-recovery\ntrain:\n  lr: -1\n"));
  EXPECT_NE(e.find("config 'train'"), std::string::npos) << e;
  EXPECT_NE(e.find("lr must be > 0"), std::string::npos) << e;
  e = ErrorOf(WithConfig("pipeline: bt-recovery\ntrain: {steps: 3\n"));
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));  // nothing was started
}

TEST_F(RunnerErrors, UnwritableRunDirectory) {
  testing::WriteText(dir / "file", "x");
  RunRequest r = WithConfig("pipeline: bt-recovery\n");
  r.overrides = {"run.out_dir=" + (dir / "file" / "runs").string()};
  EXPECT_NE(ErrorOf(r).find("cannot create the runs directory"), std::string::npos);
}

TEST_F(RunnerErrors, ResumeOnSomethingThatIsNotARunnableRun) {
  RunRequest r;
  r.resume_dir = dir.path().string();
  EXPECT_NE(ErrorOf(r).find("is not a run directory"), std::string::npos);

  RunRequest finished = WithConfig("pipeline: bt-recovery\ntrain: {steps: 5}\n");
  finished.overrides.push_back("run.threads=1");
  const auto run_dir = ExecuteRun(finished);
  r.resume_dir = run_dir.string();
  EXPECT_NE(ErrorOf(r).find("already finished"), std::string::npos);
  std::filesystem::remove(run_dir / "summary.json");
  r.overrides = {"train.lr=1"};
  EXPECT_NE(ErrorOf(r).find("overrides are not allowed"), std::string::npos);
}

// A failure inside the pipeline (here a data file it cannot parse) after the run directory was
// created leaves no directory behind: the run recorded nothing a resume could use.
TEST_F(RunnerErrors, ARunThatFailsBeforeRecordingAnythingLeavesNoDirectory) {
  testing::WriteText(dir / "bad.jsonl", "{\"prompt\": \"1+1=\", \"completion\": \"2\"}\n{oops\n");
  RunRequest r = WithConfig("pipeline: sft\noptim: {steps: 1, batch_size: 2}\n");
  r.overrides.push_back("data.train=" + (dir / "bad.jsonl").string());
  r.overrides.push_back("run.threads=1");
  const std::string e = ErrorOf(r);
  EXPECT_NE(e.find("bad.jsonl:2"), std::string::npos) << e;
  ASSERT_TRUE(std::filesystem::is_directory(dir / "runs"));
  EXPECT_TRUE(std::filesystem::is_empty(dir / "runs"));
}

// A bt-recovery run with a checkpoint at step 4 made to look killed after it (no summary).
class RunnerResume : public RunnerErrors {
 protected:
  std::filesystem::path KilledRun() {
    RunRequest r = WithConfig("pipeline: bt-recovery\nmodel: {hidden: [8]}\ntrain: {steps: 4}\n"
                              "run: {threads: 1, checkpoint_every: 2}\n");
    const std::filesystem::path run = ExecuteRun(r);
    std::filesystem::remove(run / "summary.json");
    return run;
  }
  static RunRequest ResumeOf(const std::filesystem::path& run) {
    RunRequest r;
    r.resume_dir = run.string();
    r.threads = 1;
    return r;
  }
};

// The reproduction of "mat1 and mat2 shapes cannot be multiplied": config.yaml edited before
// --resume. The refusal names the key and both values; --threads may still change.
TEST_F(RunnerResume, AnEditedConfigIsRefusedNamingTheKey) {
  const std::filesystem::path run = KilledRun();
  const std::string saved = testing::ReadText(run / "config.yaml");
  std::string edited = saved;
  const size_t hidden = edited.find("hidden: [8]");
  ASSERT_NE(hidden, std::string::npos) << edited;
  edited.replace(hidden, 11, "hidden: [16, 4]");
  testing::WriteText(run / "config.yaml", edited);
  const std::string e = ErrorOf(ResumeOf(run));
  EXPECT_NE(e.find("the checkpoint does not match the config: key model.hidden was [8], now "
                   "[16, 4]"),
            std::string::npos)
      << e;
  testing::WriteText(run / "config.yaml", saved);
  EXPECT_EQ(ExecuteRun(ResumeOf(run)), run);
}

// Two processes on one run: the second is refused while the first holds the run's lock, and
// temporary files that a killed writer left are gone once the run resumes.
TEST_F(RunnerResume, ASecondResumeIsRefusedAndStaleTempFilesAreRemoved) {
  const std::filesystem::path run = KilledRun();
  {
    const RunLock first(run);
    const std::string e = ErrorOf(ResumeOf(run));
    EXPECT_NE(e.find("run '" + run.string() + "' is in use by another rlab process (pid " +
                     std::to_string(::getpid()) + ")"),
              std::string::npos)
        << e;
  }
  const auto stale = {run / ".summary.json.tmp.4242", run / "checkpoints" / ".latest.json.tmp.7"};
  for (const auto& file : stale) testing::WriteText(file, "half");
  ExecuteRun(ResumeOf(run));
  for (const auto& file : stale) EXPECT_FALSE(std::filesystem::exists(file)) << file;
  EXPECT_TRUE(std::filesystem::exists(run / "summary.json"));
}

}  // namespace
}  // namespace rlab::pipeline
