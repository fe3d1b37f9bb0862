// Expected shortfall and entropic VaR of hand-built laws (closed form and the dual
// representation), the policy step against brute force, and the alternating scheme on the case
// where it stops short of the optimum from the risk-neutral start.
#include "rlab/rl/tabular/convex_scoring_risk.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rlab/rl/tabular/finite_horizon_enumeration.h"
#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"
#include "rlab/rl/tabular/stock_augmented_dp.h"

namespace rlab::rl::tabular {
namespace {

// The loss L = -G is `size` with probability p and 0 otherwise.
ReturnDistribution TwoPointLoss(int64_t size, double p) {
  ReturnDistribution g{.lowest = -size, .probabilities = std::vector<double>(size + 1, 0.0)};
  g.probabilities.front() = p;
  g.probabilities.back() = 1.0 - p;
  return g;
}

double BernoulliKl(double q, double p) {
  const auto term = [](double a, double b) { return a == 0.0 ? 0.0 : a * std::log(a / b); };
  return term(q, p) + term(1.0 - q, 1.0 - p);
}

TEST(ConvexScoringRisk, ExpectedShortfallIsTheScoringInfimumAndMinusCvar) {
  const ReturnDistribution g{.lowest = 0, .probabilities = {0.2, 0.3, 0.0, 0.0, 0.5}};
  const ExpectedShortfallRisk es(0.25);
  EXPECT_NEAR(es.Risk(g), -(0.2 * 0 + 0.05 * 1) / 0.25, 1e-12);
  EXPECT_NEAR(es.Risk(g), ExpectedShortfall(g, 0.25), 1e-12);
  for (double v = -6.0; v <= 2.0; v += 0.125) EXPECT_GE(es.RiskAt(g, v), es.Risk(g) - 1e-12) << v;
}

TEST(ConvexScoringRisk, EntropicVarMatchesItsDualOnTwoPointLosses) {
  // EVaR_alpha(L) = sup { E_Q[L] : KL(Q || P) <= log(1/alpha) }: for L in {0, size} with
  // P(L = size) = p and log(1/p) > log(1/alpha), the worst Q puts q* on `size`, where
  // KL(q* || p) = log(1/alpha).
  const double p = 0.05, alpha = 0.2;
  double lo = p, hi = 1.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (BernoulliKl(mid, p) < std::log(1.0 / alpha) ? lo : hi) = mid;
  }
  const ReturnDistribution g = TwoPointLoss(3, p);
  const EntropicValueAtRisk evar = ComputeEntropicValueAtRisk(g, alpha);
  EXPECT_NEAR(evar.value, 3.0 * lo, 1e-7);
  EXPECT_NEAR(EntropicObjective(g, alpha, evar.z), evar.value, 1e-12);
  const EntropicVarRisk risk(alpha, 0.0, 3.0);
  EXPECT_NEAR(risk.Risk(g), evar.value, 1e-9);
  EXPECT_NEAR(
      risk.Outer(g.Expect([&](int64_t x) { return risk.Score(-double(x), evar.z); }), evar.z),
      evar.value, 1e-9);
  // Between the mean loss and the worst loss, and above expected shortfall.
  EXPECT_GT(evar.value, 3.0 * p);
  EXPECT_LT(evar.value, 3.0);
  EXPECT_GE(evar.value, ExpectedShortfall(g, alpha) - 1e-12);
  // P(L = worst) >= alpha: no Q within the KL ball beats the point mass on the worst loss.
  EXPECT_NEAR(ComputeEntropicValueAtRisk(TwoPointLoss(3, 0.3), 0.1).value, 3.0, 1e-5);
  EXPECT_NEAR(ComputeEntropicValueAtRisk(ReturnDistribution::PointMass(-2), 0.1).value, 2.0, 1e-5);
}

TEST(ConvexScoringRisk, PolicyStepIsTheExactMinimumOfTheScoreAtFixedV) {
  const FiniteHorizonMdp mdp = MakeRandomFiniteHorizonMdp(
      {.num_states = 2, .num_actions = 2, .successors = 2, .horizon = 3, .seed = 3});
  const std::vector<ReturnDistribution> every_law =
      HistoryPolicyReturns(mdp, DominanceOrder::kNone);
  const EntropicVarRisk evar(0.25, -static_cast<double>(mdp.HighestStock()),
                             -static_cast<double>(mdp.LowestStock()));
  const ExpectedShortfallRisk es(0.25);
  for (const auto& [risk, v] : {std::pair<const ConvexScoringRisk*, double>{&evar, 0.3},
                                {&evar, 2.0},
                                {&es, -1.0},
                                {&es, 2.0}}) {
    const auto score = [&](int64_t g) { return -risk->Score(-static_cast<double>(g), v); };
    const double brute =
        BestScore(every_law, [&](const ReturnDistribution& law) { return law.Expect(score); });
    EXPECT_NEAR(MaximiseExpectedUtility(mdp, score).value, brute, 1e-12) << v;
  }
  // The alternation never goes below the exact minimum, nor above its risk-neutral start.
  const ReturnDistribution neutral = ReturnOf(mdp, RiskNeutralPolicy(mdp));
  for (const ConvexScoringRisk* risk :
       {static_cast<const ConvexScoringRisk*>(&es), static_cast<const ConvexScoringRisk*>(&evar)}) {
    const double exact = -BestScore(HistoryPolicyReturns(mdp, DominanceOrder::kSecondOrder),
                                    [&](const ReturnDistribution& g) { return -risk->Risk(g); });
    const AlternationResult alt =
        MinimiseRiskByAlternation(mdp, *risk, risk->BestAuxiliary(neutral));
    EXPECT_GE(alt.risk, exact - 1e-9);
    EXPECT_LE(alt.risk, risk->RiskAt(neutral, risk->BestAuxiliary(neutral)) + 1e-9);
    EXPECT_NEAR(alt.risk, risk->Risk(alt.policy.returns), 1e-9);
  }
}

TEST(ConvexScoringRisk, AlternationStopsAtAFixedPointThatNeedNotBeTheOptimum) {
  // MakeStockRevealingMdp: the optimum ES_0.5 is -1.5 (v = -3). The risk-neutral policy plays
  // risky (G in {0, 2, 3, 5}, v = -2); the policy step at v = -2 is indifferent at stock 0 and
  // plays safe (ties to action 0), giving G in {1, 3} and v = -1, where it stays: ES = -1.
  const FiniteHorizonMdp mdp = MakeStockRevealingMdp();
  const ExpectedShortfallRisk es(0.5);
  const ReturnDistribution neutral = ReturnOf(mdp, RiskNeutralPolicy(mdp));
  EXPECT_NEAR(es.Risk(neutral), -1.0, 1e-12);
  const AlternationResult stuck = MinimiseRiskByAlternation(mdp, es, es.BestAuxiliary(neutral));
  EXPECT_NEAR(stuck.risk, -1.0, 1e-12);
  const AlternationResult found = MinimiseRiskByAlternation(mdp, es, -3.0);
  EXPECT_NEAR(found.risk, -1.5, 1e-12);
  EXPECT_NEAR(found.auxiliary, -3.0, 1e-12);
}

}  // namespace
}  // namespace rlab::rl::tabular
