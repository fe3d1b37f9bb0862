// STARC (STAndardised Reward Comparison) distances between reward functions on a finite MDP
// (Skalse et al., "STARC: A General Framework For Quantifying Differences Between Reward
// Functions", arXiv:2309.15257): canonicalise, normalise, then measure.
//
//   s(R) = c(R) / n(c(R))        (s(R) = 0 when n(c(R)) = 0)
//   d(R1, R2) = n(s(R1) - s(R2)) / 2
//
// n is an L2 norm over transitions (s, a, s'), weighted by a distribution or unweighted. The
// factor 1/2 is this library's choice: it puts d in [0, 1], with d(R, -R) = 1 for any R that
// c does not send to 0. d is 0 exactly when c(R1) and c(R2) are positive multiples (or both 0).
//
// Canonicalisations c:
//   kEpic: the EPIC canonicalisation (see epic.h) with the given D_S, D_A.
//   kValueAdjustedLevelling (VAL), as in the paper:
//     c(R)(s, a, s') = E_{S' ~ P(s, a)}[R(s, a, S') + gamma V^pi(S')] - V^pi(s)
//                    = Q^pi(s, a) - V^pi(s),
//     the advantage of a fixed policy pi under R (constant in s'), with V^pi solved exactly.
//     It removes potential shaping and any change of R(s, a, .) with zero mean under P(s, a).
//   kValueAdjustedLevellingPointwise: R(s, a, s') - V^pi(s) + gamma V^pi(s'), the same without
//     the expectation over S'; it removes potential shaping only.
//
// The paper proves that STARC metrics bound worst-case regret from above and below with
// constants that depend on the MDP (transitions, initial distribution, gamma) and on the
// choice of c, n and the metric; it gives no constant that holds for every MDP.
#pragma once

#include <torch/types.h>

namespace rlab::eval {

enum class StarcCanonicalisation {
  kEpic,
  kValueAdjustedLevelling,
  kValueAdjustedLevellingPointwise
};

struct StarcOptions {
  StarcCanonicalisation canonicalisation = StarcCanonicalisation::kValueAdjustedLevelling;
  double gamma = 0.9;          // in [0, 1)
  torch::Tensor transitions;   // [S, A, S] P; required by the VAL canonicalisations
  torch::Tensor policy;        // [S, A] VAL's pi; undefined: uniform
  torch::Tensor state_dist;    // [S] kEpic's D_S; undefined: uniform
  torch::Tensor action_dist;   // [A] kEpic's D_A; undefined: uniform
  torch::Tensor norm_weights;  // [S, A, S] distribution weighting the L2 norm; undefined:
                               // the unweighted L2 norm
};

// Value-adjusted levelling c(R) [S, A, S] (the paper's form, with the expectation over S').
torch::Tensor ValueAdjustedLevelling(const torch::Tensor& rewards, const torch::Tensor& transitions,
                                     double gamma, const torch::Tensor& policy);

// c(R) [S, A, S] for the chosen canonicalisation.
torch::Tensor StarcCanonicalise(const torch::Tensor& rewards, const StarcOptions& options);

// n(x): the (weighted) L2 norm of x [S, A, S].
double StarcNorm(const torch::Tensor& x, const StarcOptions& options);

// s(R) = c(R) / n(c(R)) [S, A, S], or zeros when n(c(R)) = 0.
torch::Tensor StarcStandardise(const torch::Tensor& rewards, const StarcOptions& options);

// d(R1, R2) in [0, 1].
double StarcDistance(const torch::Tensor& rewards1, const torch::Tensor& rewards2,
                     const StarcOptions& options);

}  // namespace rlab::eval
