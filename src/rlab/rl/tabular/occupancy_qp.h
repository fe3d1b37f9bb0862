// The regularised planning problem in occupancy-measure space, solved exactly:
//   max_d  <r, d> - (lambda / 2) ||d||^2
//   s.t.   sum_a d(s, a) = mu0(s) + gamma sum_{s', a'} P(s | s', a') d(s', a'),   d >= 0
// over unnormalised state-action occupancies d [S, A] (they sum to 1 / (1 - gamma)). The
// problem of one round of repeated retraining in "Performative Reinforcement Learning"
// (Mandal, Triantafyllou and Radanovic, ICML 2023, arXiv:2207.00046).
//
// Method: the dual. For multipliers v [S] of the flow constraints the maximiser over d >= 0 is
// d(v) = max(0, r - F^T v) / lambda, with F [S, S*A] the flow matrix; the dual
//   g(v) = ||max(0, r - F^T v)||^2 / (2 lambda) + <mu0, v>
// is convex, piecewise quadratic and differentiable (gradient mu0 - F d(v)), and a damped
// Newton method on it with the generalised Hessian F_J F_J^T / lambda (J: entries with d > 0)
// stops once the active set is right. Stationarity and complementary slackness hold by the
// form of d(v); the iterations drive the flow residual to zero.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace rlab::rl::tabular {

struct OccupancyQpOptions {
  double tolerance = 1e-10;  // stop once max_s |flow residual(s)| <= tolerance
  int64_t max_iterations = 200;
};

struct OccupancyQpSolution {
  torch::Tensor occupancy;  // [S, A] d, unnormalised
  torch::Tensor duals;      // [S] v: r - lambda d - F^T v <= 0, = 0 where d > 0
  int64_t iterations = 0;
  double residual = 0.0;  // max_s |F d - mu0|(s)
};

// F [S, S*A]: F[s, (s', a')] = 1[s == s'] - gamma P(s | s', a'); transitions [S, A, S].
torch::Tensor FlowMatrix(const torch::Tensor& transitions, double gamma);

// lambda > 0; rewards [S, A]; throws rlab::Error when Newton does not converge.
OccupancyQpSolution SolveOccupancyQp(const torch::Tensor& transitions, const torch::Tensor& initial,
                                     double gamma, const torch::Tensor& rewards, double lambda,
                                     const OccupancyQpOptions& options = {});

// <r, d> - (lambda / 2) ||d||^2 for rewards and occupancy [S, A].
double RegularisedObjective(const torch::Tensor& rewards, const torch::Tensor& occupancy,
                            double lambda);

// The policy [S, A] of an occupancy: pi(a | s) = d(s, a) / sum_a d(s, a); uniform where a
// state has no occupancy.
torch::Tensor PolicyOfOccupancy(const torch::Tensor& occupancy);

}  // namespace rlab::rl::tabular
