// VPO: value-incentivised preference optimisation (Cen et al., "Value-Incentivized Preference
// Optimization: A Unified Approach to Online and Offline RLHF", arXiv:2405.19320). The reward's
// maximum-likelihood fit is regularised by the value of its optimal policy, with a sign: +1
// optimism (online exploration), -1 pessimism (offline data). With DPO's implicit reward
// beta log(pi / ref), shifted so that it averages zero over a calibration distribution, that
// value is -beta E_cal[log pi(y) - log ref(y)], and the loss of a pair becomes
//   -log sigmoid(beta h) + sign alpha beta E_cal[log pi(y) - log ref(y)]
// Pessimism (sign -1) raises the calibration responses' likelihood, optimism lowers it. The
// calibration responses are each pair's chosen response (calibration=chosen) or both of its
// responses, averaged (calibration=pair); alpha = 0 is sigmoid DPO.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry VpoLoss() {
  return {"vpo",
          "VPO: DPO plus sign * alpha * beta * the calibration responses' log-ratio (pessimistic "
          "sign=-1 for offline data, optimistic sign=1)",
          {DpoBetaKey(),
           {"alpha", "1", "weight of the value term"},
           {"sign", "-1", "-1 pessimistic (offline data) or 1 optimistic (online)"},
           {"calibration", "chosen",
            "responses the implicit reward averages zero over: chosen "
            "or pair"}},
          [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
            const double b = a.Get<double>("beta"), alpha = a.Get<double>("alpha");
            const double sign = a.Get<double>("sign");
            const auto calibration = a.Get<std::string>("calibration");
            RLAB_CHECK(alpha >= 0, "vpo: alpha must be >= 0, got {}", alpha);
            RLAB_CHECK(sign == 1 || sign == -1,
                       "vpo: sign must be 1 (optimistic) or -1 (pessimistic), got {}", sign);
            RLAB_CHECK(calibration == "chosen" || calibration == "pair",
                       "vpo: calibration must be 'chosen' or 'pair', got '{}'", calibration);
            const bool pair = calibration == "pair";
            return std::make_unique<ReferenceLoss>(
                fmt::format("vpo(beta={}, alpha={}, sign={}, calibration={})", b, alpha, sign,
                            calibration),
                b, false,
                [b, alpha, sign, pair](const torch::Tensor& c, const torch::Tensor& r,
                                       const PreferenceLogps&) {
                  const torch::Tensor value = pair ? (c + r) / 2 : c;  // [B]
                  return torch::softplus(-b * (c - r)) + sign * alpha * b * value;
                });
          }};
}

}  // namespace rlab::prefopt
