// Bad input to the runner: every mistake gets an error that says what and where.
#include "rlab/pipeline/run/runner.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"
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

}  // namespace
}  // namespace rlab::pipeline
