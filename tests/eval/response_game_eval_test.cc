// The response game's measures: the Nash mix of a three-type cycle equals its closed form,
// exploitability is zero there and the best response's margin elsewhere, and the cyclic task's
// game is antisymmetric with the Bradley-Terry winner exploited by the type that beats it.
#include <gtest/gtest.h>

#include "rlab/eval/response_game_eval.h"
#include "rlab/text/cyclic_task.h"
#include "test_support.h"

namespace rlab::eval {
namespace {

// P(A > B) = 1/2 + x, P(B > C) = 1/2 + y, P(C > A) = 1/2 + z.
PreferenceMatrix Cycle(double x, double y, double z) {
  return {{0.5, 0.5 + x, 0.5 - z}, {0.5 - x, 0.5, 0.5 + y}, {0.5 + z, 0.5 - y, 0.5}};
}

TEST(ResponseGame, NashMixOfAThreeCycleIsYZXOverTheirSum) {
  for (const auto& [x, y, z] :
       {std::tuple{0.4, 0.4, 0.25}, std::tuple{0.1, 0.3, 0.45}, std::tuple{0.2, 0.2, 0.2}}) {
    const std::vector<double> q = NashMix(Cycle(x, y, z));
    const double s = x + y + z;
    EXPECT_NEAR(q[0], y / s, 1e-12);
    EXPECT_NEAR(q[1], z / s, 1e-12);
    EXPECT_NEAR(q[2], x / s, 1e-12);
    EXPECT_NEAR(Exploitability(Cycle(x, y, z), {q, 0.0}), 0.0, 1e-12);
  }
}

TEST(ResponseGame, TransitiveGamesHaveThePureWinnerAsNash) {
  // A beats B and C, B beats C: the equilibrium is pure A.
  const PreferenceMatrix p = {{0.5, 0.7, 0.8}, {0.3, 0.5, 0.6}, {0.2, 0.4, 0.5}};
  EXPECT_EQ(NashMix(p), (std::vector<double>{1.0, 0.0, 0.0}));
  // A four-type game with a dominated type: the cycle's mix on the others.
  PreferenceMatrix four = Cycle(0.4, 0.4, 0.25);
  for (auto& row : four) row.push_back(0.9);
  four.push_back({0.1, 0.1, 0.1, 0.5});
  const std::vector<double> q = NashMix(four);
  EXPECT_NEAR(q[0], 0.4 / 1.05, 1e-12);
  EXPECT_NEAR(q[3], 0.0, 1e-12);
}

TEST(ResponseGame, ExploitabilityIsTheBestResponsesMargin) {
  const PreferenceMatrix p = Cycle(0.4, 0.4, 0.25);
  // Pure A is beaten by C at 0.75.
  EXPECT_NEAR(Exploitability(p, {{1, 0, 0}, 0.0}), 0.25, 1e-12);
  // Uniform: A wins (0.5 + 0.9 + 0.25) / 3 = 0.55.
  EXPECT_NEAR(Exploitability(p, {{1. / 3, 1. / 3, 1. / 3}, 0.0}), 0.05, 1e-12);
  // Invalid text is beaten by every type: a tenth of it adds a tenth to each type's wins,
  // less the half they would have earned... A: 0.9 * 0.55 + 0.1 = 0.595.
  EXPECT_NEAR(Exploitability(p, {{0.3, 0.3, 0.3}, 0.1}), 0.095, 1e-12);
  EXPECT_NEAR(Exploitability(p, {{0, 0, 0}, 1.0}), 0.5, 1e-12);
}

TEST(ResponseGame, CrossWinRatesAreAntisymmetricAndCountInvalidText) {
  const PreferenceMatrix p = Cycle(0.4, 0.4, 0.25);
  const TypeShares a{{0.6, 0.2, 0.1}, 0.1}, b{{0.1, 0.3, 0.5}, 0.1};
  EXPECT_NEAR(CrossWinRate(p, a, b) + CrossWinRate(p, b, a), 1.0, 1e-12);
  EXPECT_NEAR(CrossWinRate(p, a, a), 0.5, 1e-12);
  EXPECT_NEAR(CrossWinRate(p, {{1, 0, 0}, 0}, {{0, 0, 1}, 0}), 0.25, 1e-12);
  EXPECT_NEAR(CrossWinRate(p, {{1, 0, 0}, 0}, {{0, 0, 0}, 1}), 1.0, 1e-12);
  EXPECT_NEAR(DistanceToMix({{0.5, 0.0, 0.4}, 0.1}, {0.5, 0.25, 0.25}), 0.25, 1e-12);
}

TEST(ResponseGame, MatricesThatAreNotAntisymmetricAreRefused) {
  EXPECT_NE(testing::ErrorOf([] {
              NashMix({{0.5, 0.7}, {0.4, 0.5}});
            }).find("P[0][1] + P[1][0] = 1.1"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              NashMix({{0.5, 1.2}, {-0.2, 0.5}});
            }).find("not in [0, 1]"),
            std::string::npos);
}

TEST(CyclicTaskGame, AntisymmetricCycleWhoseBordaWinnerIsExploited) {
  const data::CyclicTask task({});
  const PreferenceMatrix p = task.TypePreference();
  CheckPreferenceMatrix(p);
  EXPECT_EQ(task.TypeNames(), (std::vector<std::string>{"rock", "scissors", "paper"}));
  const std::vector<double> q = NashMix(p);
  EXPECT_NEAR(q[0], 0.4 / 1.05, 1e-12);
  EXPECT_NEAR(q[1], 0.25 / 1.05, 1e-12);
  EXPECT_NEAR(q[2], 0.4 / 1.05, 1e-12);
  // The gold reward (a Borda score against the response distribution) ranks rock first ...
  const double rock = task.GoldReward("river:", " stone."),
               scissors = task.GoldReward("river:", " knife."),
               paper = task.GoldReward("river:", " page.");
  EXPECT_GT(rock, scissors);
  EXPECT_GT(scissors, paper);
  EXPECT_NEAR(rock, 0.9 * 0.55 + 0.1, 1e-12);
  EXPECT_NEAR(task.GoldReward("river:", " maybe."), 0.05, 1e-12);
  // ... and a policy that always answers rock is beaten by paper three times in four.
  EXPECT_NEAR(Exploitability(p, CountTypes(task, {" rock.", " boulder."})), 0.25, 1e-12);
  const GameReport r = ReportGame(task, {" rock.", " knife.", " sheet.", "rock"});
  EXPECT_NEAR(r.shares.untyped, 0.25, 1e-12);
  EXPECT_NEAR(r.shares.typed[1], 0.25, 1e-12);
  ASSERT_EQ(r.Metrics().size(), 6u);
  EXPECT_EQ(r.Metrics()[0].first, "exploitability");
  EXPECT_EQ(r.Metrics()[5].first, "type_share/invalid");
}

}  // namespace
}  // namespace rlab::eval
