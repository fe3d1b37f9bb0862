#include "rlab/core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "test_support.h"

namespace rlab {
namespace {

TEST(Metrics, OneOrderedObjectPerStepWithNullForNonFinite) {
  testing::ScratchDir dir("metrics");
  {
    MetricsLogger m(dir / "metrics.jsonl");
    m.Log(10, {{"loss", 0.5}, {"accuracy", 0.75}});
    m.Log(20, {{"loss", NAN}, {"accuracy", INFINITY}});
    EXPECT_EQ(m.non_finite_count(), 2);
    EXPECT_EQ(m.latest().size(), 2u);
  }
  EXPECT_EQ(testing::ReadText(dir / "metrics.jsonl"),
            "{\"step\":10,\"loss\":0.5,\"accuracy\":0.75}\n"
            "{\"step\":20,\"loss\":null,\"accuracy\":null}\n");
}

TEST(Metrics, TruncateAfterKeepsEarlierStepsOnly) {
  testing::ScratchDir dir("metrics-trunc");
  {
    MetricsLogger m(dir / "metrics.jsonl");
    for (int s = 100; s <= 500; s += 100) m.Log(s, {{"x", s / 100.0}});
  }
  MetricsLogger::TruncateAfter(dir / "metrics.jsonl", 300);
  std::vector<int64_t> steps;
  ForEachJsonl(dir / "metrics.jsonl", [&](const nlohmann::json& j) { steps.push_back(j["step"]); });
  EXPECT_EQ(steps, (std::vector<int64_t>{100, 200, 300}));
}

TEST(Metrics, ReaderLeavesOutATornLastLineAndSaysSo) {
  testing::ScratchDir dir("metrics-torn");
  const auto file = dir / "metrics.jsonl";
  const std::string complete = "{\"step\":1,\"x\":0.5}\n\n{\"step\":2,\"x\":0.25}\n";
  for (const std::string& tail :
       {std::string("{\"step\":3,\"x\":0."), std::string("{\"step\":3}")}) {
    testing::WriteText(file, complete + tail);
    MetricsReader reader(file);
    nlohmann::json line;
    std::vector<int64_t> steps;
    while (reader.Next(line)) steps.push_back(line["step"]);
    EXPECT_EQ(steps, (std::vector<int64_t>{1, 2}));
    EXPECT_TRUE(reader.torn_last_line());
    EXPECT_EQ(reader.Where(), file.string() + ":3");
    // Resume's fallback cuts the same line.
    MetricsLogger::TruncateAfter(file, 100);
    EXPECT_EQ(testing::ReadText(file), "{\"step\":1,\"x\":0.5}\n{\"step\":2,\"x\":0.25}\n");
  }
  testing::WriteText(file, complete);
  MetricsReader whole(file);
  nlohmann::json line;
  while (whole.Next(line)) {
  }
  EXPECT_FALSE(whole.torn_last_line());
  // A malformed line before the end is no kill: an error naming file and line.
  testing::WriteText(file, "{\"step\":1,\"x\":0.\n" + complete);
  MetricsReader bad(file);
  const std::string e = testing::ErrorOf([&] { bad.Next(line); });
  EXPECT_NE(e.find(file.string() + ":1: malformed JSON"), std::string::npos) << e;
}

}  // namespace
}  // namespace rlab
