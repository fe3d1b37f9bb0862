// Per-token estimators of KL(pi || pi_ref) from the log-probabilities of sampled tokens, after
// Schulman, "Approximating KL Divergence" (2020, joschu.net/blog/kl-approx.html). With
// d = log pi(y_t) - log pi_ref(y_t) for y_t drawn from pi:
//   k1 = d                        unbiased, high variance, can be negative
//   k2 = d^2 / 2                  biased, low variance, always >= 0
//   k3 = exp(-d) - (-d) - 1       unbiased and always >= 0 (GRPO's KL term, Shao et al.,
//                                 "DeepSeekMath", arXiv:2402.03300)
// The names TRL and verl use for the same quantities: k1 "kl", k2 "mse", k3 "low_var_kl".
#pragma once

#include <torch/types.h>

#include <string>
#include <string_view>

namespace rlab::reward {

enum class KlEstimator { kK1, kK2, kK3 };

// "k1", "k2" or "k3" (also "kl", "mse", "low_var_kl"); anything else is an error.
KlEstimator ParseKlEstimator(std::string_view name);
std::string KlEstimatorName(KlEstimator estimator);

// logp, ref_logp [..., T] of the same shape -> per-token estimates [..., T]. Differentiable
// in both arguments.
torch::Tensor PerTokenKl(const torch::Tensor& logp, const torch::Tensor& ref_logp,
                         KlEstimator estimator);

}  // namespace rlab::reward
