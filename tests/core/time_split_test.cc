// TimeSplit: wall time added to named sections, and the sums a run's summary reports.
#include "rlab/core/time_split.h"

#include <gtest/gtest.h>

#include <thread>

namespace rlab {
namespace {

TEST(TimeSplit, SectionsAddUpAndTotalsSumThem) {
  TimeSplit split;
  split.Add("env_steps", 1.5);
  split.Add("env_steps", 0.5);
  split.Add("queries", 0.25);
  EXPECT_DOUBLE_EQ(split.Seconds("env_steps"), 2.0);
  EXPECT_DOUBLE_EQ(split.Seconds("absent"), 0.0);
  EXPECT_DOUBLE_EQ(split.Total({"env_steps", "absent"}), 2.0);
  EXPECT_DOUBLE_EQ(split.Total(), 2.25);
  EXPECT_EQ(split.sections().size(), 2u);
}

TEST(TimeSplit, MeasureAddsTheTimeOfItsScope) {
  TimeSplit split;
  {
    const TimeSplit::Measure measure(split, "sleep");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GE(split.Seconds("sleep"), 0.019);
  EXPECT_LT(split.Seconds("sleep"), 5.0);
  // With timing switched off (no split) a measure records nothing and does not fail.
  { const TimeSplit::Measure off(static_cast<TimeSplit*>(nullptr), "sleep"); }
  EXPECT_EQ(split.sections().size(), 1u);
}

}  // namespace
}  // namespace rlab
