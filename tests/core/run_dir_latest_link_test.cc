// runs/<name>-latest: RunDir::Create points a relative link at the newest run of each name,
// so that commands (the README's among them) can name the previous run's output without its
// timestamp; child runs inside a run get no link.
#include <gtest/gtest.h>

#include "rlab/core/run_dir.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

TEST(RunDirLatestLink, PointsRelativelyAtTheNewestRunOfEachName) {
  testing::ScratchDir root("rundir_latest");
  const fs::path runs = root / "runs";
  const RunDir first = RunDir::Create(runs, "sft");
  const RunDir other = RunDir::Create(runs, "dpo");
  EXPECT_EQ(fs::read_symlink(runs / "sft-latest"), first.path().filename());
  const RunDir second = RunDir::Create(runs, "sft");
  EXPECT_EQ(fs::read_symlink(runs / "sft-latest"), second.path().filename());
  EXPECT_EQ(fs::read_symlink(runs / "dpo-latest"), other.path().filename());
  EXPECT_TRUE(fs::equivalent(runs / "sft-latest", second.path()));
  // Moving the whole runs folder keeps the links valid; no temporary link is left behind.
  fs::rename(runs, root / "moved");
  EXPECT_TRUE(
      fs::equivalent(root / "moved" / "sft-latest", root / "moved" / second.path().filename()));
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root / "moved")) ++entries;
  EXPECT_EQ(entries, 5);  // three runs, two links
}

// A run removed because it recorded nothing (a failed start) takes its link with it; links to
// other runs stay.
TEST(RunDirLatestLink, RemovingARunRemovesItsLink) {
  testing::ScratchDir root("rundir_latest_remove");
  const RunDir kept = RunDir::Create(root / "runs", "dpo");
  const RunDir failed = RunDir::Create(root / "runs", "sft");
  failed.RemoveQuietly();
  EXPECT_FALSE(fs::exists(fs::symlink_status(root / "runs" / "sft-latest")));
  EXPECT_EQ(fs::read_symlink(root / "runs" / "dpo-latest"), kept.path().filename());
}

TEST(RunDirLatestLink, ChildRunsInsideARunGetNone) {
  testing::ScratchDir root("rundir_latest_child");
  const RunDir parent = RunDir::Create(root / "runs", "dpo");
  parent.WriteConfig("pipeline: dpo\n");
  const RunDir child = RunDir::Create(parent.path(), "sft");
  EXPECT_TRUE(fs::is_directory(child.path()));
  EXPECT_FALSE(fs::exists(fs::symlink_status(parent.path() / "sft-latest")));
}

}  // namespace
}  // namespace rlab
