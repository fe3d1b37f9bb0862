// Finite return distributions on the integers and the risk functionals of a return G computed
// on them exactly: the law of an episode's return in a finite-horizon MDP with integer rewards
// (finite_horizon_mdp.h), shared by the risk studies.
//
// Conventions. G is a return (higher is better). CVaR_alpha(G) and the quantile are of G itself,
// in its lower tail. Expected shortfall and entropic value-at-risk are risks of the loss L = -G
// (lower is better): ES_alpha(L) = -CVaR_alpha(G) and
//   EVaR_alpha(L) = inf_{z > 0} (1/z) log(E[e^{zL}] / alpha) = inf_{z > 0} (1/z) log(E[e^{-zG}] / alpha).
// alpha is the tail's probability mass throughout (alpha = 0.1: the worst 10% of outcomes).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace rlab::rl::tabular {

// P(G = lowest + k) = probabilities[k].
struct ReturnDistribution {
  int64_t lowest = 0;
  std::vector<double> probabilities;  // [K]

  static ReturnDistribution PointMass(int64_t value);

  int64_t highest() const { return lowest + static_cast<int64_t>(probabilities.size()) - 1; }
  bool empty() const { return probabilities.empty(); }
  double Probability(int64_t value) const;  // 0 outside the support
  double TotalMass() const;
  // The law of G + by.
  ReturnDistribution Shifted(int64_t by) const;
  // this += weight * other, growing the support as needed (mixtures are built this way).
  void Accumulate(const ReturnDistribution& other, double weight);
  // Drops zero-probability values at both ends.
  void Trim();
  // E[f(G)].
  double Expect(const std::function<double(int64_t)>& f) const;
  double Mean() const;
};

bool operator==(const ReturnDistribution& a, const ReturnDistribution& b);

// True when `a` first-order stochastically dominates `b`: P_a(G <= x) <= P_b(G <= x) + tolerance
// for every x. Every functional below that rewards higher returns prefers (weakly) `a`.
bool Dominates(const ReturnDistribution& a, const ReturnDistribution& b, double tolerance);
// True when `a` dominates `b` in the second order (increasing concave order):
// E[(x - G_a)^+] <= E[(x - G_b)^+] + tolerance for every x. CVaR at every level, expected
// shortfall, EVaR and every concave increasing utility prefer (weakly) `a`.
bool DominatesSecondOrder(const ReturnDistribution& a, const ReturnDistribution& b,
                          double tolerance);

// The lower alpha-quantile of G: min { x : P(G <= x) >= alpha }, alpha in (0, 1].
int64_t ValueAtRisk(const ReturnDistribution& g, double alpha);
// The mean of the worst alpha-fraction of G (the lower tail), alpha in (0, 1].
double ConditionalValueAtRisk(const ReturnDistribution& g, double alpha);
// Rockafellar and Uryasev's objective b - E[(b - G)^+] / alpha: at most CVaR_alpha(G) for every
// b, with equality at b = ValueAtRisk(g, alpha).
double RockafellarUryasevObjective(const ReturnDistribution& g, double alpha, double b);
// ES_alpha(L) of the loss L = -G: -CVaR_alpha(G).
double ExpectedShortfall(const ReturnDistribution& g, double alpha);
// P(G >= threshold).
double ProbabilityAtLeast(const ReturnDistribution& g, int64_t threshold);

// (1/z) log(E[e^{-zG}] / alpha) for z > 0, computed without overflow.
double EntropicObjective(const ReturnDistribution& g, double alpha, double z);
struct EntropicValueAtRisk {
  double value = 0.0;  // EVaR_alpha(L) of the loss L = -G
  double z = 0.0;      // the minimising z (the largest searched, 1e6, when the infimum is the
                       // worst loss, reached only as z grows without bound)
};
// alpha in (0, 1): a one-dimensional convex search in t = 1/z (the objective is the perspective
// of a convex function of t), by golden section on log t.
EntropicValueAtRisk ComputeEntropicValueAtRisk(const ReturnDistribution& g, double alpha);

}  // namespace rlab::rl::tabular
