// B-Pref's query schedules (Lee et al., arXiv:2111.03026; train_PEBBLE.py reward_schedule).
#include "rlab/feedback/query_schedule.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"

namespace rlab::feedback {
namespace {

TEST(QuerySchedule, ClosedFormValues) {
  const auto constant = MakeQuerySchedule("constant");
  const auto linear = MakeQuerySchedule("linear");
  const auto hyperbolic = MakeQuerySchedule("hyperbolic");
  const int64_t total = 1000;
  for (int64_t t : {0, 1, 250, 500, 999, 1000}) {
    EXPECT_EQ(constant->BatchSize(50, t, total), 50);
  }
  // linear: floor(50 (T - t) / T), 0.01 of it at the end.
  EXPECT_EQ(linear->BatchSize(50, 0, total), 50);
  EXPECT_EQ(linear->BatchSize(50, 250, total), 37);  // 37.5
  EXPECT_EQ(linear->BatchSize(50, 999, total), 0);   // 0.05
  EXPECT_DOUBLE_EQ(linear->Fraction(1000, total), 0.01);
  EXPECT_EQ(linear->BatchSize(1000, 1000, total), 10);
  // hyperbolic: floor(50 T / (T - t + 1)), growing.
  EXPECT_EQ(hyperbolic->BatchSize(50, 0, total), 49);  // 49.95
  EXPECT_EQ(hyperbolic->BatchSize(50, 1, total), 50);
  EXPECT_EQ(hyperbolic->BatchSize(50, 501, total), 100);
  EXPECT_EQ(hyperbolic->BatchSize(50, 1000, total), 50000);
  int64_t previous = 0;
  for (int64_t t = 0; t <= total; t += 37) {
    const int64_t b = hyperbolic->BatchSize(50, t, total);
    EXPECT_GE(b, previous);
    previous = b;
  }
}

TEST(QuerySchedule, BudgetClampAndErrors) {
  EXPECT_EQ(ClampToBudget(50, 180, 200), 20);
  EXPECT_EQ(ClampToBudget(50, 100, 200), 50);
  EXPECT_EQ(ClampToBudget(50, 200, 200), 0);
  EXPECT_EQ(ClampToBudget(50, 250, 200), 0);
  const auto linear = MakeQuerySchedule("linear");
  EXPECT_THROW(linear->BatchSize(10, 11, 10), Error);
  EXPECT_THROW(linear->BatchSize(-1, 0, 10), Error);
  EXPECT_THROW(MakeQuerySchedule("cosine"), Error);
  EXPECT_EQ(QuerySchedules().List(),
            (std::vector<std::string>{"constant", "hyperbolic", "linear"}));
}

}  // namespace
}  // namespace rlab::feedback
