// Nice ticks, tick labels and the data-to-pixel mapping.
#include "rlab/report/scale.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace rlab::report {
namespace {

TEST(NiceTicks, UnitRangeStepsByOneFifth) {
  const Ticks t = NiceTicks(0, 1, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  ASSERT_EQ(t.values.size(), 6u);
  EXPECT_DOUBLE_EQ(t.values[3], 0.6);
}

TEST(NiceTicks, WidensToWholeTicks) {
  Ticks t = NiceTicks(0, 97, 5);
  EXPECT_DOUBLE_EQ(t.step, 20);
  EXPECT_DOUBLE_EQ(t.hi, 100);
  t = NiceTicks(-3.2, 7.9, 5);
  EXPECT_DOUBLE_EQ(t.step, 2);
  EXPECT_DOUBLE_EQ(t.lo, -4);
  EXPECT_DOUBLE_EQ(t.hi, 8);
  t = NiceTicks(0.001, 0.0042, 5);
  EXPECT_DOUBLE_EQ(t.step, 0.0005);
  EXPECT_DOUBLE_EQ(t.lo, 0.001);
  EXPECT_DOUBLE_EQ(t.hi, 0.0045);
}

TEST(NiceTicks, StepsAreOneTwoOrFiveTimesAPowerOfTenAndCoverTheData) {
  const double ranges[][2] = {{0, 1},      {-1, 1},      {3, 3.7},   {0, 2000},   {1e-6, 3e-6},
                              {-250, -10}, {0.49, 0.51}, {1e6, 5e8}, {0, 123456}, {-0.3, 1e-3}};
  for (const auto& r : ranges) {
    for (int target : {3, 5, 8}) {
      const Ticks t = NiceTicks(r[0], r[1], target);
      const double mantissa = t.step / std::pow(10.0, std::floor(std::log10(t.step) + 1e-12));
      EXPECT_TRUE(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
                  std::abs(mantissa - 5) < 1e-9)
          << r[0] << ".." << r[1] << " step " << t.step;
      EXPECT_LE(t.lo, r[0]);
      EXPECT_GE(t.hi, r[1]);
      EXPECT_GE(t.values.size(), 2u);
      EXPECT_LE(static_cast<int>(t.values.size()), 3 * target + 1);
      EXPECT_DOUBLE_EQ(t.values.front(), t.lo);
    }
  }
}

TEST(NiceTicks, DegenerateAndNonFiniteRanges) {
  Ticks t = NiceTicks(3, 3);
  EXPECT_LT(t.lo, 3);
  EXPECT_GT(t.hi, 3);
  t = NiceTicks(0, 0);
  EXPECT_DOUBLE_EQ(t.lo, -1);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  t = NiceTicks(std::numeric_limits<double>::quiet_NaN(), 5);
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 1);
  t = NiceTicks(5, 1);  // reversed bounds
  EXPECT_LE(t.lo, 1);
  EXPECT_GE(t.hi, 5);
}

TEST(FormatTicks, DecimalsFollowTheStep) {
  EXPECT_EQ(FormatTicks(NiceTicks(0, 1, 5)),
            (std::vector<std::string>{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"}));
  EXPECT_EQ(FormatTicks(NiceTicks(0, 2000, 4)),
            (std::vector<std::string>{"0", "500", "1000", "1500", "2000"}));
  EXPECT_EQ(FormatTicks(NiceTicks(-0.5, 0.5, 2)),
            (std::vector<std::string>{"-0.5", "0.0", "0.5"}));  // never "-0.0"
  const auto small = FormatTicks(NiceTicks(0.001, 0.0042, 5));
  EXPECT_EQ(small.front(), "0.0010");
  EXPECT_EQ(small.back(), "0.0045");
}

TEST(FormatTicks, ExponentForHugeAndTinyMagnitudes) {
  const auto big = FormatTicks(NiceTicks(0, 2e7, 4));
  EXPECT_EQ(big, (std::vector<std::string>{"0", "5e+06", "1e+07", "1.5e+07", "2e+07"}));
  const auto tiny = FormatTicks(NiceTicks(1e-6, 3e-6, 2));
  EXPECT_EQ(tiny.front(), "1e-06");
}

TEST(FormatNumber, ShortestReadableForm) {
  EXPECT_EQ(FormatNumber(3), "3");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
  EXPECT_EQ(FormatNumber(1.0 / 3), "0.333333");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(LinearScale, MapsAndFlips) {
  const LinearScale x(0, 10, 100, 200);
  EXPECT_DOUBLE_EQ(x(0), 100);
  EXPECT_DOUBLE_EQ(x(5), 150);
  EXPECT_DOUBLE_EQ(x(12), 220);        // extrapolates
  const LinearScale y(0, 1, 300, 20);  // screen y grows downwards
  EXPECT_DOUBLE_EQ(y(0), 300);
  EXPECT_DOUBLE_EQ(y(1), 20);
  EXPECT_DOUBLE_EQ(y(0.25), 230);
  EXPECT_DOUBLE_EQ(LinearScale(4, 4, 0, 10)(4), 5);  // zero-width domain: the middle
}

TEST(Scale, LogTicksCoverWholeDecadesAndThinOutWhenMany) {
  const Ticks t = LogTicks(-3.5, 0.2);
  EXPECT_EQ(t.lo, -4);
  EXPECT_EQ(t.hi, 1);
  EXPECT_EQ(FormatLogTicks(t).front(), "0.0001");
  EXPECT_EQ(FormatLogTicks(t).back(), "10");
  const Ticks wide = LogTicks(-12, 12, 5);
  EXPECT_LE(wide.values.size(), 7u);
  EXPECT_EQ(FormatLogTicks(wide).back(), "1e+15");
}

}  // namespace
}  // namespace rlab::report
