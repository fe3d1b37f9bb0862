// Return laws and CVaR in closed form, the Rockafellar-Uryasev identity, the stock-augmented
// DP on a two-step MDP by hand, and the DP against brute force over history-dependent policies.
#include "rlab/rl/tabular/stock_augmented_dp.h"

#include <gtest/gtest.h>

#include "rlab/rl/tabular/finite_horizon_enumeration.h"
#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"

namespace rlab::rl::tabular {
namespace {

// G = 0, 1, 4 with probabilities 0.2, 0.3, 0.5 (nothing at 2 and 3).
ReturnDistribution HandLaw() { return {.lowest = 0, .probabilities = {0.2, 0.3, 0.0, 0.0, 0.5}}; }

TEST(ReturnDistribution, CvarIsTheMeanOfTheLowerTail) {
  const ReturnDistribution g = HandLaw();
  EXPECT_NEAR(ConditionalValueAtRisk(g, 0.2), 0.0, 1e-12);
  EXPECT_NEAR(ConditionalValueAtRisk(g, 0.25), (0.2 * 0 + 0.05 * 1) / 0.25, 1e-12);
  EXPECT_NEAR(ConditionalValueAtRisk(g, 0.5), (0.2 * 0 + 0.3 * 1) / 0.5, 1e-12);
  EXPECT_NEAR(ConditionalValueAtRisk(g, 0.75), (0.3 + 0.25 * 4) / 0.75, 1e-12);
  EXPECT_NEAR(ConditionalValueAtRisk(g, 1.0), g.Mean(), 1e-12);
  EXPECT_NEAR(g.Mean(), 0.3 + 2.0, 1e-12);
  EXPECT_EQ(ValueAtRisk(g, 0.2), 0);
  EXPECT_EQ(ValueAtRisk(g, 0.25), 1);
  EXPECT_EQ(ValueAtRisk(g, 0.6), 4);
  EXPECT_NEAR(ProbabilityAtLeast(g, 1), 0.8, 1e-12);
  EXPECT_NEAR(ExpectedShortfall(g, 0.5), -0.6, 1e-12);
}

TEST(ReturnDistribution, RockafellarUryasevMaximumIsCvarAttainedAtTheQuantile) {
  const ReturnDistribution g = HandLaw();
  for (double alpha : {0.1, 0.2, 0.25, 0.5, 0.8, 1.0}) {
    const double cvar = ConditionalValueAtRisk(g, alpha);
    for (double b = -2.0; b <= 6.0; b += 0.125) {
      EXPECT_LE(RockafellarUryasevObjective(g, alpha, b), cvar + 1e-12) << alpha << " " << b;
    }
    const double at_quantile =
        RockafellarUryasevObjective(g, alpha, static_cast<double>(ValueAtRisk(g, alpha)));
    EXPECT_NEAR(at_quantile, cvar, 1e-12) << alpha;
  }
}

// Two steps from state 0: to state 1 with reward 0 or state 2 with reward 2 (1/2 each); then
// action 0 gives reward 1 and action 1 reward 0 or 2 (1/2 each), into absorbing states 3 and 4.
FiniteHorizonMdp TwoStepMdp() {
  constexpr int64_t S = 5, A = 2;
  FiniteHorizonMdp mdp = EmptyFiniteHorizonMdp(S, A, /*horizon=*/2);
  for (int64_t a = 0; a < A; ++a) {
    mdp.Set(0, a, 1, 0.5, 0);
    mdp.Set(0, a, 2, 0.5, 2);
    mdp.Set(3, a, 3, 1.0, 0);
    mdp.Set(4, a, 4, 1.0, 0);
  }
  for (int64_t s : {1, 2}) {
    mdp.Set(s, 0, 3, 1.0, 1);
    mdp.Set(s, 1, 3, 0.5, 0);
    mdp.Set(s, 1, 4, 0.5, 2);
  }
  return mdp;
}

TEST(StockAugmentedDp, TwoStepMdpByHand) {
  const FiniteHorizonMdp mdp = TwoStepMdp();
  // P(G >= 2): with stock 0 (state 1) only the risky action can reach 2 (probability 1/2); with
  // stock 2 (state 2) both actions do (the tie goes to action 0). Value 1/2 * 1/2 + 1/2 * 1.
  const StockDpResult reach =
      MaximiseExpectedUtility(mdp, [](int64_t g) { return g >= 2 ? 1.0 : 0.0; });
  EXPECT_NEAR(reach.value, 0.75, 1e-12);
  EXPECT_EQ(reach.policy.Action(1, 1, 0), 1);
  EXPECT_EQ(reach.policy.Action(1, 2, 2), 0);
  // G: 0 (1/4), 2 (1/4), 3 (1/2); the backed-up law is the law of the policy run forward.
  const ReturnDistribution expected{.lowest = 0, .probabilities = {0.25, 0.0, 0.25, 0.5}};
  for (const ReturnDistribution& law : {reach.returns, ReturnOf(mdp, reach.policy.Decision())}) {
    ASSERT_EQ(law.lowest, expected.lowest);
    ASSERT_EQ(law.probabilities.size(), expected.probabilities.size());
    for (size_t k = 0; k < law.probabilities.size(); ++k) {
      EXPECT_NEAR(law.probabilities[k], expected.probabilities[k], 1e-12) << k;
    }
  }
  // E[G]: action 0 and 1 both add 1 in expectation; the value is 1 + 1.
  EXPECT_NEAR(MaximiseExpectedUtility(mdp, [](int64_t g) { return double(g); }).value, 2.0, 1e-12);
}

TEST(StockAugmentedDp, CvarEqualsBruteForceOverHistoryPolicies) {
  const FiniteHorizonMdp mdp = MakeRandomFiniteHorizonMdp(
      {.num_states = 2, .num_actions = 2, .successors = 2, .horizon = 3, .seed = 7});
  const std::vector<ReturnDistribution> every_law =
      HistoryPolicyReturns(mdp, DominanceOrder::kNone);
  const std::vector<ReturnDistribution> first =
      HistoryPolicyReturns(mdp, DominanceOrder::kFirstOrder);
  const std::vector<ReturnDistribution> second =
      HistoryPolicyReturns(mdp, DominanceOrder::kSecondOrder);
  EXPECT_LT(first.size(), every_law.size());
  EXPECT_LE(second.size(), first.size());
  for (double alpha : {0.1, 0.25, 0.5, 1.0}) {
    const auto cvar = [alpha](const ReturnDistribution& g) {
      return ConditionalValueAtRisk(g, alpha);
    };
    const CvarDpResult dp = MaximiseCvar(mdp, alpha);
    EXPECT_NEAR(dp.cvar, BestScore(every_law, cvar), 1e-9) << alpha;
    EXPECT_NEAR(dp.cvar, BestScore(first, cvar), 1e-9) << alpha;
    EXPECT_NEAR(dp.cvar, BestScore(second, cvar), 1e-9) << alpha;
    EXPECT_NEAR(cvar(ReturnOf(mdp, dp.best.policy.Decision())), dp.cvar, 1e-9) << alpha;
    EXPECT_GE(dp.cvar, BestMarkovPolicy(mdp, cvar).score - 1e-9) << alpha;
  }
}

TEST(StockAugmentedDp, MarkovPoliciesFallShortWhereTheStockMatters) {
  const FiniteHorizonMdp mdp = MakeStockRevealingMdp();
  const auto cvar = [](const ReturnDistribution& g) { return ConditionalValueAtRisk(g, 0.5); };
  EXPECT_NEAR(MaximiseCvar(mdp, 0.5).cvar, 1.5, 1e-12);
  EXPECT_NEAR(BestScore(HistoryPolicyReturns(mdp, DominanceOrder::kNone), cvar), 1.5, 1e-12);
  EXPECT_NEAR(BestMarkovPolicy(mdp, cvar).score, 1.0, 1e-12);
  // P(G >= 3): 1/2 + 1/2 * 1/2 with the stock, 1/2 without.
  const auto reach = [](int64_t g) { return g >= 3 ? 1.0 : 0.0; };
  EXPECT_NEAR(MaximiseExpectedUtility(mdp, reach).value, 0.75, 1e-12);
  EXPECT_NEAR(
      BestMarkovPolicy(mdp, [](const ReturnDistribution& g) { return ProbabilityAtLeast(g, 3); })
          .score,
      0.5, 1e-12);
}

}  // namespace
}  // namespace rlab::rl::tabular
