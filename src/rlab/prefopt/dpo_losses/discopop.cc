// `discopop`: the log-ratio modulated loss found by DiscoPOP (Chris Lu et al., "Discovering
// Preference Optimization Algorithms with and for Large Language Models", arXiv:2406.08414,
// eq. 5), with TRL's semantics: with z = beta h (h the difference of the chosen and rejected
// log-ratios against the reference) and m = sigmoid(z / tau), a blend of the logistic and the
// exponential loss,
//   -log sigmoid(z) (1 - m) + exp(-z) m.
// tau defaults to 0.05, the paper's value and TRL's discopop_tau.
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry DiscoPopLoss() {
  return {"discopop",
          "DiscoPOP: logistic and exponential losses blended by sigmoid(beta h / tau)",
          {DpoBetaKey(), {"tau", "0.05", "temperature of the blend (TRL's discopop_tau)"}},
          [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            const double b = a.Get<double>("beta"), tau = a.Get<double>("tau");
            RLAB_CHECK(tau > 0, "discopop: tau must be > 0, got {}", tau);
            return std::make_unique<ReferenceLoss>(
                fmt::format("discopop(beta={}, tau={})", b, tau), b, false,
                [b, tau](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps&) {
                  const torch::Tensor z = b * (c - r);              // [B]
                  const torch::Tensor m = torch::sigmoid(z / tau);  // [B]
                  return torch::softplus(-z) * (1 - m) + torch::exp(-z) * m;
                });
          }};
}

}  // namespace rlab::prefopt
