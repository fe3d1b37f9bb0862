// Pessimistic maximum likelihood for a linear reward r(x) = theta^T phi(x) fitted to pairwise
// comparisons (Zhu, Jordan, Jiao, "Principled Reinforcement Learning with Human Feedback from
// Pairwise or K-wise Comparisons", arXiv:2301.11270). Around the maximum-likelihood estimate
// theta_hat the paper's confidence set is {theta : ||theta - theta_hat||_Sigma <= gamma}, with
// the data's covariance of feature differences
//   Sigma = (1/n) sum_i (phi(a_i) - phi(b_i)) (phi(a_i) - phi(b_i))^T + lambda I.
// The worst reward in that set for a choice with features phi, measured from a reference v
// (rewards are only known up to a shift), is the lower confidence bound
//   theta_hat^T (phi - v) - gamma ||phi - v||_{Sigma^-1}
// and the pessimistic policy picks the choice with the highest bound: a choice far from what
// the comparisons covered pays for it, where plain MLE would trust its estimate.
#pragma once

#include <torch/types.h>

namespace rlab::reward {

struct LinearConfidenceSet {
  torch::Tensor precision;  // [D, D] Sigma^-1, float64
  double gamma = 0.0;       // radius of the set in the Sigma norm
};

// `differences` [n, D]: phi(a_i) - phi(b_i) of the n comparisons; lambda > 0 keeps Sigma
// invertible in directions no comparison varies.
LinearConfidenceSet FitLinearConfidenceSet(const torch::Tensor& differences, double lambda,
                                           double gamma);

// The lower confidence bounds of choices: `advantages` [N] are theta_hat^T (phi - v) and
// `offsets` [N, D] are phi - v; returns [N] float64.
torch::Tensor LowerConfidenceBounds(const LinearConfidenceSet& set, const torch::Tensor& advantages,
                                    const torch::Tensor& offsets);

}  // namespace rlab::reward
