#include "rlab/rl/tabular/study_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rlab/rl/tabular/study.h"
#include "test_support.h"

namespace rlab::rl::tabular {
namespace {

StudyResult Figures(double a, double b) { return {.figures = {{"a", a}, {"b", b}}}; }

TEST(StudySummary, MeanAndSampleStdPerFigureInTheStudysOrder) {
  const StudySummary s =
      SummariseStudy("x", "p", {1, 2, 3}, {Figures(1, 10), Figures(2, 10), Figures(3, 10)});
  ASSERT_EQ(s.figures.size(), 2u);
  EXPECT_EQ(s.figures[0].name, "a");
  EXPECT_DOUBLE_EQ(s.figures[0].mean, 2.0);
  EXPECT_DOUBLE_EQ(s.figures[0].std, 1.0);  // sqrt(((1-2)^2 + 0 + (3-2)^2) / 2)
  EXPECT_DOUBLE_EQ(s.figures[1].std, 0.0);
  const nlohmann::json j = ToJson(s);
  EXPECT_EQ(j["order"], nlohmann::json({"a", "b"}));
  EXPECT_EQ(j["figures"]["a"]["values"], nlohmann::json({1.0, 2.0, 3.0}));
}

TEST(StudySummary, OneSeedHasZeroStd) {
  const StudySummary s = SummariseStudy("x", "p", {7}, {Figures(4, 5)});
  EXPECT_DOUBLE_EQ(s.figures[0].std, 0.0);
}

TEST(StudySummary, NonFiniteFigureNamesTheSeedAndFigure) {
  const std::string msg = testing::ErrorOf([] {
    SummariseStudy("x", "p", {1, 2},
                   {Figures(1, 2), Figures(std::numeric_limits<double>::quiet_NaN(), 2)});
  });
  EXPECT_NE(msg.find("seed 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'a'"), std::string::npos) << msg;
}

TEST(StudySummary, SeedsReportingDifferentFiguresFail) {
  const StudyResult renamed{.figures = {{"a", 1}, {"c", 2}}};
  const std::string msg = testing::ErrorOf([&] {
    SummariseStudy("x", "p", {1, 2}, {Figures(1, 2), renamed});
  });
  EXPECT_NE(msg.find("'c'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace rlab::rl::tabular
