#include "rlab/core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace rlab
