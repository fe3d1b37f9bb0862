#include "rlab/reward/signal/kl_estimators.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"

namespace rlab::reward {

KlEstimator ParseKlEstimator(std::string_view name) {
  if (name == "k1" || name == "kl") return KlEstimator::kK1;
  if (name == "k2" || name == "mse") return KlEstimator::kK2;
  if (name == "k3" || name == "low_var_kl") return KlEstimator::kK3;
  RLAB_FAIL("unknown KL estimator '{}'; valid names: k1 (kl), k2 (mse), k3 (low_var_kl)", name);
}

std::string KlEstimatorName(KlEstimator estimator) {
  switch (estimator) {
    case KlEstimator::kK1: return "k1";
    case KlEstimator::kK2: return "k2";
    case KlEstimator::kK3: return "k3";
  }
  RLAB_FAIL("unknown KL estimator {}", static_cast<int>(estimator));
}

torch::Tensor PerTokenKl(const torch::Tensor& logp, const torch::Tensor& ref_logp,
                         KlEstimator estimator) {
  RLAB_CHECK(logp.defined() && ref_logp.defined() && logp.sizes() == ref_logp.sizes(),
             "KL estimate: log pi and log pi_ref must have the same shape, got {} and {}",
             logp.defined() ? fmt::format("{}", logp.sizes()) : "nothing",
             ref_logp.defined() ? fmt::format("{}", ref_logp.sizes()) : "nothing");
  const torch::Tensor d = logp - ref_logp;
  switch (estimator) {
    case KlEstimator::kK1: return d;
    case KlEstimator::kK2: return 0.5 * d.pow(2);
    // exp(-d) + d - 1; expm1 keeps precision when the policies are close (d near 0), where
    // the three terms nearly cancel.
    case KlEstimator::kK3: return torch::expm1(-d) + d;
  }
  RLAB_FAIL("unknown KL estimator {}", static_cast<int>(estimator));
}

}  // namespace rlab::reward
