// PRM aggregations on a hand-computed case: scores (0.9, 0.5, 0.8) give min 0.5, product 0.36,
// last 0.8 and mean 0.7333; a completion without steps scores 0; an unknown name lists the
// valid ones.
#include "rlab/reward/signal/prm_aggregation.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab::reward {
namespace {

TEST(PrmAggregation, HandComputedScoresOfThreeSteps) {
  const std::vector<double> p = {0.9, 0.5, 0.8};
  EXPECT_DOUBLE_EQ((*MakePrmAggregation("min"))(p), 0.5);
  EXPECT_NEAR((*MakePrmAggregation("product"))(p), 0.36, 1e-12);
  EXPECT_DOUBLE_EQ((*MakePrmAggregation("last"))(p), 0.8);
  EXPECT_NEAR((*MakePrmAggregation("mean"))(p), 2.2 / 3, 1e-12);
}

TEST(PrmAggregation, CompletionWithoutStepsScoresZero) {
  for (const std::string& name : PrmAggregations().List()) {
    EXPECT_EQ((*MakePrmAggregation(name))({}), 0.0) << name;
  }
}

TEST(PrmAggregation, UnknownNameListsTheValidOnes) {
  const std::string error = testing::ErrorOf([] { MakePrmAggregation("max"); });
  EXPECT_TRUE(testing::Contains(error, "last, mean, min, product")) << error;
}

}  // namespace
}  // namespace rlab::reward
