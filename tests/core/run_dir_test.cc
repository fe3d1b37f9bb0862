#include "rlab/core/run_dir.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/check.h"
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

}  // namespace
}  // namespace rlab
