// Orchestrated Value Mapping's pieces on hand-computed cases: the mappings and their
// inverses, the polar split, one update in log space (an average of logarithms), the fixed
// point of the update on a one-state task, and identity channels reducing to Q-learning.
#include "rlab/rl/tabular/orchestrated_value_mapping.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rlab::rl::tabular {
namespace {

TEST(OrchestratedValueMapping, LogMappingAndItsInverseRoundTrip) {
  const LogMapping log{.scale = 0.5, .offset = 0.01};
  EXPECT_NEAR(MapValue(ValueMapping::kLog, 0.0, log), 0.5 * std::log(0.01), 1e-15);
  for (double x : {0.0, 0.3, 7.0, 120.0}) {
    EXPECT_NEAR(UnmapValue(ValueMapping::kLog, MapValue(ValueMapping::kLog, x, log), log), x,
                1e-12 * (1.0 + x));
  }
  EXPECT_EQ(MapValue(ValueMapping::kIdentity, -3.5), -3.5);
  EXPECT_EQ(UnmapValue(ValueMapping::kIdentity, -3.5), -3.5);
}

TEST(OrchestratedValueMapping, PolarSplitRecoversTheReward) {
  const PolarReward negative = PolarSplit(-3.0), positive = PolarSplit(2.0);
  EXPECT_EQ(negative.positive, 0.0);
  EXPECT_EQ(negative.negative, 3.0);
  EXPECT_EQ(positive.positive, 2.0);
  EXPECT_EQ(positive.negative, 0.0);
}

TEST(OrchestratedValueMapping, HalfStepInLogSpaceIsTheGeometricMeanOfShiftedValues) {
  // One state, one action, reward 1; from value 0 the regular-space target is 1 (beta_reg = 1),
  // and half a step in log space lands on sqrt(d (1 + d)) - d.
  const LogMapping log{.scale = 0.5, .offset = 0.01};
  OrchestratedQ q(1, 1, {{ValueMapping::kLog, 1.0}}, log);
  const double reward = 1.0;
  q.Update(0, 0, &reward, 0, 0.5, /*beta_reg=*/1.0, /*beta_f=*/0.5);
  EXPECT_NEAR(q.Q(0, 0), std::sqrt(0.01 * 1.01) - 0.01, 1e-12);
}

TEST(OrchestratedValueMapping, PolarLogChannelsConvergeToTheSignedValue) {
  // One state, reward -1 every step, gamma 0.5: Q = -2, learned as 0 - f^-1(Q~-) with r- = 1.
  OrchestratedQ q(1, 1, {{ValueMapping::kLog, 1.0}, {ValueMapping::kLog, -1.0}});
  const PolarReward split = PolarSplit(-1.0);
  const double rewards[2] = {split.positive, split.negative};
  for (int i = 0; i < 200; ++i) q.Update(0, 0, rewards, 0, 0.5, 1.0, 1.0);
  EXPECT_NEAR(q.Q(0, 0), -2.0, 1e-9);
  EXPECT_NEAR(q.ChannelValue(0, 0, 0), 0.0, 1e-12);
}

TEST(OrchestratedValueMapping, IdentityChannelsUpdateLikeQLearningOnTheSum) {
  // Two states, two actions; both learners take the same transitions and step sizes.
  OrchestratedQ orchestrated(2, 2,
                             {{ValueMapping::kIdentity, 1.0}, {ValueMapping::kIdentity, 1.0}});
  std::vector<double> plain(4, 0.0);
  const struct {
    int64_t s, a, next;
    double r0, r1;
  } steps[] = {
      {0, 1, 1, 1.0, 2.0}, {1, 0, 0, -0.5, 0.0}, {0, 0, 1, 0.0, 4.0}, {0, 1, 0, 2.0, -1.0}};
  for (const auto& t : steps) {
    const double rewards[2] = {t.r0, t.r1};
    orchestrated.Update(t.s, t.a, rewards, t.next, 0.9, 0.5, 1.0);
    QLearningUpdate(plain, 2, t.s, t.a, t.r0 + t.r1, t.next, 0.9, 0.5);
  }
  const std::vector<double> table = orchestrated.QTable();
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(table[i], plain[i], 1e-12) << "entry " << i;
  // By hand: Q(0, 1) = 0.5 * 3 = 1.5 after the first step.
  EXPECT_NEAR(plain[1], 0.5 * 1.5 + 0.5 * (1.0 + 0.9 * plain[0]), 1e-12);
}

}  // namespace
}  // namespace rlab::rl::tabular
