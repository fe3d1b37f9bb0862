// `rlab report` on the command line, and the report every `rlab run` writes at its end.
#include <gtest/gtest.h>

#include "fake_runs.h"

namespace rlab::report {
namespace {

namespace fs = std::filesystem;
using rlab::testing::LastLine;
using rlab::testing::ReadText;
using rlab::testing::RunRlab;
using testing_runs::BtMetrics;
using testing_runs::Count;
using testing_runs::WriteRun;

TEST(ReportCli, WritesIntoTheFirstRunByDefaultAndPrintsThePath) {
  rlab::testing::ScratchDir dir("report-cli");
  const fs::path a = WriteRun(dir / "a", {.metrics = BtMetrics(0)});
  const fs::path b = WriteRun(dir / "b", {.metrics = BtMetrics(0.1)});
  auto r = RunRlab({"report", a.string(), b.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LastLine(r.out), (a / "report.html").string());
  EXPECT_EQ(Count(ReadText(a / "report.html"), ">b</text>"), 5);  // 2 headline + 3 metrics

  r = RunRlab({"report", a.string(), "-o", (dir / "cmp" / "x.html").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(LastLine(r.out), (dir / "cmp" / "x.html").string());
  EXPECT_TRUE(fs::exists(dir / "cmp" / "x.html"));
}

TEST(ReportCli, ATornLastMetricsLineIsLeftOutAndMentionedOnce) {
  rlab::testing::ScratchDir dir("report-cli-torn");
  // A run killed while writing a metrics line, as --resume would find it.
  const fs::path a =
      WriteRun(dir / "a", {.metrics = BtMetrics(0) + "{\"step\": 9, \"train_loss\": 0.4"});
  const auto r = RunRlab({"report", a.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (a / "report.html").string() + "\n");  // the warning is not on stdout
  EXPECT_EQ(Count(r.err, "the last line is incomplete"), 1) << r.err;
  EXPECT_EQ(Count(r.err, (a / "metrics.jsonl").string()), 1) << r.err;
}

TEST(ReportCli, BadRunDirectoryIsOneClearLine) {
  rlab::testing::ScratchDir dir("report-cli-bad");
  const auto r = RunRlab({"report", (dir / "missing").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rlab: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(ReportCli, EveryRunWritesItsReport) {
  rlab::testing::ScratchDir dir("report-run");
  rlab::testing::WriteText(dir / "tiny.yaml",
                           "pipeline: bt-recovery\n"
                           "data: {items: 40, dim: 3, train_pairs: 64, heldout_pairs: 32}\n"
                           "train: {steps: 6, batch_size: 16}\n"
                           "run: {log_every: 2, checkpoint_every: 3, out_dir: " +
                               (dir / "runs").string() + "}\n");
  const auto r = RunRlab({"run", (dir / "tiny.yaml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = LastLine(r.out);  // the last stdout line is still the run directory
  ASSERT_TRUE(fs::is_directory(run)) << r.out;
  const fs::path report = run / "report.html";
  ASSERT_TRUE(fs::exists(report));
  EXPECT_NE(r.err.find("report: " + report.string()), std::string::npos) << r.err;
  const std::string html = ReadText(report);
  EXPECT_NE(html.find("data-title=\"heldout_accuracy\""), std::string::npos);
  EXPECT_NE(html.find("Headline"), std::string::npos);
}

}  // namespace
}  // namespace rlab::report
