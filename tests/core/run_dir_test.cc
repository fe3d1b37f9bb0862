#include "rlab/core/run_dir.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
#include "rlab/core/run_lock.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

using testing::ErrorOf;

TEST(RunDir, CreatesTheLayoutWithUniqueNames) {
  testing::ScratchDir root("rundir");
  const RunDir a = RunDir::Create(root / "runs", "demo");
  const RunDir b = RunDir::Create(root / "runs", "demo");
  EXPECT_NE(a.path(), b.path());
  EXPECT_EQ(a.path().parent_path(), root / "runs");
  EXPECT_EQ(a.path().filename().string().rfind("demo-", 0), 0u);
  EXPECT_TRUE(fs::is_directory(a.checkpoints_dir()));
  EXPECT_FALSE(RunDir::IsRun(a.path()));  // no config yet
  a.WriteConfig("pipeline: demo\n");
  EXPECT_TRUE(RunDir::IsRun(a.path()));
  EXPECT_FALSE(a.finished());
  a.WriteSummary({{"wall_seconds", 1.5}});
  EXPECT_TRUE(a.finished());
  EXPECT_DOUBLE_EQ(RunDir::Open(a.path()).ReadSummary()["wall_seconds"].get<double>(), 1.5);
}

TEST(RunDir, UnwritableRootIsAClearError) {
  testing::ScratchDir root("rundir-bad");
  testing::WriteText(root / "file", "x");
  const std::string e = ErrorOf([&] { RunDir::Create(root / "file" / "runs", "demo"); });
  EXPECT_NE(e.find("cannot create the runs directory"), std::string::npos) << e;
  EXPECT_NE(e.find("run.out_dir"), std::string::npos) << e;
}

TEST(RunDir, OpeningSomethingThatIsNotARunIsAClearError) {
  testing::ScratchDir root("rundir-open");
  EXPECT_NE(ErrorOf([&] { RunDir::Open(root / "missing"); }).find("does not exist"),
            std::string::npos);
  const std::string e = ErrorOf([&] { RunDir::Open(root.path()); });
  EXPECT_NE(e.find("is not a run directory"), std::string::npos) << e;
}

TEST(RunDir, OnlyBookkeepingWithoutMetricLinesCountsAsNoResults) {
  testing::ScratchDir root("rundir-results");
  const RunDir run = RunDir::Create(root.path(), "demo");
  run.WriteConfig("pipeline: demo\n");
  testing::WriteText(run.log_path(), "starting\n");
  testing::WriteText(run.metrics_path(), "");
  testing::WriteText(run.path() / ".metrics.jsonl.tmp.12", "half");
  EXPECT_TRUE(run.HoldsNoResults());
  testing::WriteText(run.metrics_path(), "{\"step\": 0}\n");  // logged lines are results
  EXPECT_FALSE(run.HoldsNoResults());
  testing::WriteText(run.metrics_path(), "");
  testing::WriteText(run.checkpoints_dir() / "latest.json", "{}");
  EXPECT_FALSE(run.HoldsNoResults());
  fs::remove(run.checkpoints_dir() / "latest.json");
  const RunDir child = RunDir::Create(run.path(), "stage");
  child.WriteConfig("pipeline: demo\n");  // a child run is a result of its parent
  EXPECT_FALSE(run.HoldsNoResults());
  run.RemoveQuietly();
  EXPECT_FALSE(fs::exists(run.path()));
}

TEST(RunDir, StaleTempFilesAreRemovedOutsideChildRuns) {
  testing::ScratchDir root("rundir-temp");
  const RunDir run = RunDir::Create(root.path(), "demo");
  run.WriteConfig("pipeline: demo\n");
  const RunDir child = RunDir::Create(run.path(), "stage");
  child.WriteConfig("pipeline: demo\n");
  const fs::path stale = run.checkpoints_dir() / ".step-000000010.pt.tmp.4321";
  const fs::path childs = child.path() / ".summary.json.tmp.99";
  const fs::path kept = run.path() / "notes.tmp.txt";
  for (const fs::path& f : {stale, childs, kept}) testing::WriteText(f, "x");
  run.RemoveStaleTempFiles();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(childs));  // the child cleans its own when it resumes
  EXPECT_TRUE(fs::exists(kept));
}

TEST(RunLock, ASecondHolderIsRefusedUntilTheFirstReleases) {
  testing::ScratchDir root("rundir-lock");
  {
    const RunLock first(root.path());
    const std::string e = ErrorOf([&] { RunLock second(root.path()); });
    EXPECT_NE(e.find("run '" + root.path().string() + "' is in use by another rlab process"),
              std::string::npos)
        << e;
  }
  EXPECT_NO_THROW(RunLock again(root.path()));
}

}  // namespace
}  // namespace rlab
