#include "rlab/core/export/tensorboard_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rlab/core/export/tensorboard_event.h"
#include "rlab/core/export/tfrecord.h"
#include "rlab/core/metrics.h"
#include "test_support.h"

// The encoding itself is checked against an independent decoder (python's protobuf) by
// tests/core/tensorboard_events_check.py; these cases check the file follows the log.
namespace rlab {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::ScratchDir;

// The one events file in `dir`, as bytes.
std::string EventsIn(const ScratchDir& dir) {
  const std::vector<fs::path> files = TensorBoardWriter::EventFilesIn(dir.path());
  EXPECT_EQ(files.size(), 1u);
  return files.empty() ? "" : ReadText(files.front());
}

TEST(TensorBoardWriter, ScalarsOfALineFlattenNestedKeysAndSkipNullsAndStep) {
  const auto line = nlohmann::json::parse(
      R"({"step": 5, "loss": 0.5, "eval": {"accuracy": 0.75, "ci": {"lo": 0.1}},
          "kl": null, "name": "x", "flag": true})");
  const std::map<std::string, double> expected = {
      {"eval/accuracy", 0.75}, {"eval/ci/lo", 0.1}, {"loss", 0.5}};
  EXPECT_EQ(ScalarsOfMetricsLine(line), expected);
}

TEST(TensorBoardWriter, LoggerWritesAVersionEventThenOneEventPerLine) {
  ScratchDir dir("tb-events");
  {
    MetricsLogger metrics(dir / "metrics.jsonl");
    EXPECT_TRUE(TensorBoardWriter::EventFilesIn(dir.path()).empty());  // nothing logged yet
    metrics.Log(10, {{"loss", 0.5}});
    metrics.Log(20, {{"loss", NAN}});  // no finite value: no event
    metrics.Log(30, {{"loss", 0.25}, {"rewards/chosen", 1.0}});
  }
  const std::vector<fs::path> files = TensorBoardWriter::EventFilesIn(dir.path());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(files.front().filename().string().starts_with("events.out.tfevents."));
  const std::vector<std::string> events = tfrecord::Unframe(ReadText(files.front()));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_NE(events[0].find(tensorboard::kFileVersion), std::string::npos);
  EXPECT_NE(events[2].find("rewards/chosen"), std::string::npos);
  for (const std::string& event : events) EXPECT_TRUE(tensorboard::WallTimeOf(event).has_value());
}

TEST(TensorBoardWriter, ReopeningTheLogKeepsTheEventsFileByteForByte) {
  ScratchDir dir("tb-reopen");
  {
    MetricsLogger metrics(dir / "metrics.jsonl");
    for (int step = 1; step <= 4; ++step) metrics.Log(step, {{"x", step * 0.5}});
  }
  const std::string before = EventsIn(dir);
  { MetricsLogger reopened(dir / "metrics.jsonl"); }
  EXPECT_EQ(EventsIn(dir), before);  // same name, same events, same wall times
}

TEST(TensorBoardWriter, AfterTheLogIsCutBackTheEventsFollowItAndNoStepRepeats) {
  ScratchDir dir("tb-resume");
  std::vector<std::string> original;
  {
    MetricsLogger metrics(dir / "metrics.jsonl");
    for (int step = 100; step <= 500; step += 100) metrics.Log(step, {{"x", step / 100.0}});
    original = tfrecord::Unframe(EventsIn(dir));
  }
  ASSERT_EQ(original.size(), 6u);
  // A resume from the checkpoint at step 300 cuts the log back, then logs 400 and 500 again.
  MetricsLogger::TruncateAfter(dir / "metrics.jsonl", 300);
  {
    MetricsLogger resumed(dir / "metrics.jsonl");
    const std::vector<std::string> kept = tfrecord::Unframe(EventsIn(dir));
    EXPECT_EQ(kept, std::vector<std::string>(original.begin(), original.begin() + 4));
    resumed.Log(400, {{"x", 4.0}});
  }
  const std::vector<std::string> after = tfrecord::Unframe(EventsIn(dir));
  ASSERT_EQ(after.size(), 5u);
  EXPECT_EQ(after[3], original[3]);
  // A log cut back to nothing leaves no events file.
  MetricsLogger::TruncateAfter(dir / "metrics.jsonl", 0);
  { MetricsLogger restarted(dir / "metrics.jsonl"); }
  EXPECT_TRUE(TensorBoardWriter::EventFilesIn(dir.path()).empty());
}

}  // namespace
}  // namespace rlab
