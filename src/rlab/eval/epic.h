// EPIC, the Equivalent-Policy Invariant Comparison pseudometric between reward functions on a
// finite MDP (Gleave et al., "Quantifying Differences in Reward Functions", arXiv:2006.13900).
//
// Canonicalisation, with S, S' ~ D_S and A ~ D_A independent:
//   C(R)(s, a, s') = R(s, a, s') + gamma E[R(s', A, S')] - E[R(s, A, S')] - gamma E[R(S, A, S')]
// C removes potential shaping: C(R + gamma Phi(s') - Phi(s)) = C(R) for every Phi.
// EPIC(R1, R2) = Pearson distance of C(R1) and C(R2) under a coverage distribution over
// transitions (s, a, s'); it is 0 for rewards that differ by potential shaping and positive
// rescaling, 1 for R and -R, and lies in [0, 1].
#pragma once

#include <torch/types.h>

namespace rlab::eval {

struct EpicOptions {
  double gamma = 0.9;         // in [0, 1)
  torch::Tensor state_dist;   // [S] D_S; undefined: uniform
  torch::Tensor action_dist;  // [A] D_A; undefined: uniform
  torch::Tensor coverage;     // [S, A, S] distribution of transitions for the Pearson
                              // distance; undefined: D_S x D_A x D_S
};

// C(R) [S, A, S] for rewards [S, A, S].
torch::Tensor EpicCanonicalise(const torch::Tensor& rewards, const EpicOptions& options);

// The product distribution D_S(s) D_A(a) D_S(s') over transitions   -> [S, A, S]
torch::Tensor ProductCoverage(const torch::Tensor& state_dist, const torch::Tensor& action_dist);

// sqrt((1 - rho) / 2) with rho the Pearson correlation of x and y under `weights` (a
// distribution shaped like x and y). Computed as |z_x - z_y| / 2 for the standardised
// z = (x - mean) / std, where a constant input standardises to 0; this keeps the triangle
// inequality when one input is constant (distance 1/2 to any non-constant input, 0 between two
// constants).
double PearsonDistance(const torch::Tensor& x, const torch::Tensor& y,
                       const torch::Tensor& weights);

// EPIC(R1, R2) in [0, 1] for rewards [S, A, S].
double EpicDistance(const torch::Tensor& rewards1, const torch::Tensor& rewards2,
                    const EpicOptions& options);

}  // namespace rlab::eval
