// "Risk-sensitive Reinforcement Learning Based on Convex Scoring Functions" (Han, Liu and Yu;
// arXiv:2505.04553).
//
// A risk of the loss L written with a convex scoring function f and an auxiliary variable v:
//   rho(L) = inf_v h(E[f(L, v)], v), h increasing in its first argument.
// Expected shortfall: f(L, v) = (L - v)^+, h(e, v) = v + e / alpha. Entropic value-at-risk:
// v = z > 0, f(L, z) = e^{z (L - shift)}, h(e, z) = shift + (1/z) log(e / alpha) (any constant
// shift gives the same risk; the worst loss keeps every exponent <= 0).
// The loss of an episode is L = -G, the negated return of a FiniteHorizonMdp (costs are negated
// rewards), so the paper's augmented state Y_t (the negated accumulated cost) is the stock.
//
// For a fixed v, min over policies of E[f(L, v)] is time-consistent on the stock-augmented MDP
// and is solved exactly by the stock-augmented DP (stock_augmented_dp.h) with utility
// g -> -f(-g, v): the policy step. For a fixed policy, the best v is a one-dimensional problem
// on its law: the auxiliary step. Alternating the two never increases the risk and stops at a
// fixed point, which need not be the global optimum; several starting values of v (the paper's
// sampling of the auxiliary variable) guard against a poor one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"
#include "rlab/rl/tabular/stock_augmented_dp.h"

namespace rlab::rl::tabular {

class ConvexScoringRisk {
 public:
  virtual ~ConvexScoringRisk() = default;
  virtual double Score(double loss, double v) const = 0;            // f(L, v)
  virtual double Outer(double expected_score, double v) const = 0;  // h(e, v)
  // argmin_v h(E[f(L, v)], v) for L = -G with G ~ returns.
  virtual double BestAuxiliary(const ReturnDistribution& returns) const = 0;
  // A starting value of v for the alternation, drawn for losses in [lowest, highest].
  virtual double SampleAuxiliary(Rng& rng, double lowest_loss, double highest_loss) const = 0;

  // h(E[f(-G, v)], v).
  virtual double RiskAt(const ReturnDistribution& returns, double v) const;
  // rho(-G) = RiskAt(returns, BestAuxiliary(returns)).
  virtual double Risk(const ReturnDistribution& returns) const;
};

// ES_alpha(L) = inf_v { v + E[(L - v)^+] / alpha }, attained at the upper alpha-quantile of L.
class ExpectedShortfallRisk final : public ConvexScoringRisk {
 public:
  explicit ExpectedShortfallRisk(double alpha);
  double Score(double loss, double v) const override;
  double Outer(double expected_score, double v) const override;
  double BestAuxiliary(const ReturnDistribution& returns) const override;
  double SampleAuxiliary(Rng& rng, double lowest_loss, double highest_loss) const override;

 private:
  double alpha_;
};

// EVaR_alpha(L) = inf_{z > 0} (1/z) log(E[e^{zL}] / alpha), alpha in (0, 1), for losses in
// [best_loss, worst_loss] (the MDP's range) with shift = worst_loss. The auxiliary variable of
// the alternation is capped at z_max = 700 / (worst_loss - best_loss + 1), where
// e^{z (L - shift)} still holds in a double (beyond it the policy step would see only zeros):
// the alternation minimises the risk with z <= z_max, which is EVaR or a little above it when
// the infimum lies beyond the cap, and Risk reports the law's exact EVaR.
class EntropicVarRisk final : public ConvexScoringRisk {
 public:
  EntropicVarRisk(double alpha, double best_loss, double worst_loss);
  double Score(double loss, double z) const override;
  double Outer(double expected_score, double z) const override;
  // min(the minimising z, z_max): the minimiser over z <= z_max, the objective being unimodal.
  double BestAuxiliary(const ReturnDistribution& returns) const override;
  // Computed with the law's own worst loss as shift.
  double RiskAt(const ReturnDistribution& returns, double z) const override;
  // The exact EVaR, z uncapped.
  double Risk(const ReturnDistribution& returns) const override;
  // log-uniform in [1, 100] / (worst - best + 1): 1/z from the losses' range down to 1% of it.
  double SampleAuxiliary(Rng& rng, double lowest_loss, double highest_loss) const override;

 private:
  double alpha_;
  double shift_;
  double max_z_;
};

struct AlternationResult {
  double risk = 0.0;       // rho(-G) of the final policy, by Risk
  double auxiliary = 0.0;  // its v
  int64_t iterations = 0;  // policy steps that lowered the risk (the first counts)
  StockDpResult policy;    // the final policy step (its law: policy.returns)
};

// From v0: policy step at v, auxiliary step on the new policy's law, until the risk at the
// auxiliary step (RiskAt) stops decreasing (by more than 1e-12 relative; the last policy that lowered it is kept) or after
// `max_iterations` policy steps.
AlternationResult MinimiseRiskByAlternation(const FiniteHorizonMdp& mdp,
                                            const ConvexScoringRisk& risk, double v0,
                                            int64_t max_iterations = 100);

}  // namespace rlab::rl::tabular
