#include "rlab/core/progress.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_support.h"

namespace rlab {
namespace {

TEST(Progress, LineShowsStepRateEtaAndDetail) {
  const std::string line = Progress::Format("train", 250, 1000, 50.0, "loss=0.3");
  EXPECT_EQ(line, "train 250/1000 (25%) | 50.0 steps/s | ETA 15s | loss=0.3");
  EXPECT_EQ(Progress::Format("x", 5, 0, 2.0, ""), "x 5 | 2.0 steps/s");
  EXPECT_NE(Progress::Format("x", 0, 10000, 1.0, "").find("ETA 2h46m"), std::string::npos);
}

TEST(Progress, OffATerminalPrintsPlainPeriodicLines) {
  testing::ScratchDir dir("progress");
  const auto path = dir / "out.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  {
    Progress p("job", 100, /*interval_seconds=*/0.0, f);
    for (int i = 1; i <= 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      p.Update(i, "k=1");
    }
    p.Finish("done");
  }
  std::fclose(f);
  const std::string text = testing::ReadText(path);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("job 1/100"), std::string::npos) << text;
  EXPECT_NE(text.find("job 100/100 (100%)"), std::string::npos) << text;
  EXPECT_NE(text.find("done"), std::string::npos) << text;
}

}  // namespace
}  // namespace rlab
