#include "rlab/rl/tabular/convex_scoring_risk.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

double ConvexScoringRisk::RiskAt(const ReturnDistribution& returns, double v) const {
  const double expected =
      returns.Expect([&](int64_t g) { return Score(-static_cast<double>(g), v); });
  return Outer(expected, v);
}

double ConvexScoringRisk::Risk(const ReturnDistribution& returns) const {
  return RiskAt(returns, BestAuxiliary(returns));
}

ExpectedShortfallRisk::ExpectedShortfallRisk(double alpha) : alpha_(alpha) {
  RLAB_CHECK(alpha > 0.0 && alpha <= 1.0,
             "expected shortfall: alpha (the tail's mass) must be in (0, 1], got {}", alpha);
}

double ExpectedShortfallRisk::Score(double loss, double v) const { return std::max(loss - v, 0.0); }

double ExpectedShortfallRisk::Outer(double expected_score, double v) const {
  return v + expected_score / alpha_;
}

double ExpectedShortfallRisk::BestAuxiliary(const ReturnDistribution& returns) const {
  // The upper alpha-quantile of L = -G is minus the lower alpha-quantile of G.
  return -static_cast<double>(ValueAtRisk(returns, alpha_));
}

double ExpectedShortfallRisk::SampleAuxiliary(Rng& rng, double lowest_loss,
                                              double highest_loss) const {
  return rng.Uniform(lowest_loss, highest_loss);
}

EntropicVarRisk::EntropicVarRisk(double alpha, double best_loss, double worst_loss)
    : alpha_(alpha), shift_(worst_loss), max_z_(700.0 / (worst_loss - best_loss + 1.0)) {
  RLAB_CHECK(alpha > 0.0 && alpha < 1.0,
             "entropic value at risk: alpha must be in (0, 1) (alpha = 1 is the mean), got {}",
             alpha);
  RLAB_CHECK(best_loss <= worst_loss, "entropic value at risk: best loss {} above worst loss {}",
             best_loss, worst_loss);
}

double EntropicVarRisk::Score(double loss, double z) const { return std::exp(z * (loss - shift_)); }

double EntropicVarRisk::Outer(double expected_score, double z) const {
  return shift_ + (std::log(expected_score) - std::log(alpha_)) / z;
}

double EntropicVarRisk::BestAuxiliary(const ReturnDistribution& returns) const {
  return std::min(ComputeEntropicValueAtRisk(returns, alpha_).z, max_z_);
}

double EntropicVarRisk::RiskAt(const ReturnDistribution& returns, double z) const {
  return EntropicObjective(returns, alpha_, z);
}

double EntropicVarRisk::Risk(const ReturnDistribution& returns) const {
  return ComputeEntropicValueAtRisk(returns, alpha_).value;
}

double EntropicVarRisk::SampleAuxiliary(Rng& rng, double lowest_loss, double highest_loss) const {
  const double scale = 1.0 / (highest_loss - lowest_loss + 1.0);
  return scale * std::exp(rng.Uniform(std::log(1.0), std::log(1e2)));
}

AlternationResult MinimiseRiskByAlternation(const FiniteHorizonMdp& mdp,
                                            const ConvexScoringRisk& risk, double v0,
                                            int64_t max_iterations) {
  RLAB_CHECK(max_iterations >= 1, "alternation needs max_iterations >= 1, got {}", max_iterations);
  AlternationResult best;
  double best_at_v = 0.0;
  double v = v0;
  for (int64_t i = 1; i <= max_iterations; ++i) {
    // Policy step: min over policies of E[f(L, v)] = max of E[-f(-G, v)] over the stock.
    StockDpResult step = MaximiseExpectedUtility(
        mdp, [&](int64_t g) { return -risk.Score(-static_cast<double>(g), v); });
    // Auxiliary step: the best v for the new policy's law.
    const double next_v = risk.BestAuxiliary(step.returns);
    const double value = risk.RiskAt(step.returns, next_v);
    if (i > 1 && !(value < best_at_v - 1e-12 * std::max(1.0, std::abs(best_at_v)))) break;
    best_at_v = value;
    best = {.auxiliary = next_v, .iterations = i, .policy = std::move(step)};
    v = next_v;
  }
  best.risk = risk.Risk(best.policy.returns);
  return best;
}

}  // namespace rlab::rl::tabular
