// A run killed with SIGKILL part-way and resumed with --resume must end with exactly the
// metrics and summary of a run that was never interrupted.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "rlab/core/io.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Args(const fs::path& out_dir) {
  return {"run", std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml",
          "run.out_dir=" + out_dir.string(), "run.threads=1", "train.steps=8000",
          "run.log_every=50", "run.checkpoint_every=200", "run.progress_seconds=1000"};
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

TEST(Resume, KilledRunResumesToIdenticalMetrics) {
  testing::ScratchDir scratch("resume");
  const auto reference = testing::RunRlab(Args(scratch / "reference"));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const fs::path reference_run = testing::LastLine(reference.out);

  // Start the same run and kill it once a few checkpoints exist.
  const int pid = testing::SpawnRlab(Args(scratch / "killed"), scratch / "out", scratch / "err");
  fs::path run;
  int64_t killed_after = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (run.empty()) run = OnlyRunIn(scratch / "killed");
    if (!run.empty() && fs::exists(run / "checkpoints" / "latest.json")) {
      const auto latest = nlohmann::json::parse(
          testing::ReadText(run / "checkpoints" / "latest.json"), nullptr, false);
      if (!latest.is_discarded() && latest["step"].get<int64_t>() >= 1000) {
        ::kill(pid, SIGKILL);
        killed_after = latest["step"];
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(testing::WaitFor(pid), 128 + SIGKILL) << "the run ended before it could be killed";
  ASSERT_FALSE(fs::exists(run / "summary.json"));
  ASSERT_GE(killed_after, 1000);

  const auto resumed = testing::RunRlab({"run", "--resume", run.string(), "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(testing::LastLine(resumed.out), run.string());
  EXPECT_NE(resumed.err.find("resumed from the checkpoint at step"), std::string::npos)
      << resumed.err;

  EXPECT_EQ(testing::ReadText(run / "metrics.jsonl"),
            testing::ReadText(reference_run / "metrics.jsonl"));
  EXPECT_EQ(SummaryWithoutTime(run), SummaryWithoutTime(reference_run));
  int lines = 0;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json&) { ++lines; });
  EXPECT_EQ(lines, 8000 / 50);
}

}  // namespace
}  // namespace rlab
