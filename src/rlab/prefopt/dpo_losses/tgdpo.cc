// TGDPO: DPO with token-level reward guidance (Zhu et al., "TGDPO: Harnessing Token-Level Reward
// Guidance for Enhancing Direct Preference Optimization", arXiv:2506.14574). Decomposing
// sequence-level PPO into token-level problems gives each token its own distance from the
// reference, scaled by a guiding token reward r_t; with Bradley-Terry the pair's loss is
//   -log sigmoid(beta sum_t (1 + alpha r^c_t) rho^c_t - beta sum_t (1 - alpha r^r_t) rho^r_t)
// rho_t = log pi(y_t) - log ref(y_t) per completion token. A chosen token the guide likes (and a
// rejected token it dislikes) may move further from the reference; alpha = 0, or a guide that
// says 0 everywhere, is sigmoid DPO. The uniform part is taken from the summed log-probs, the
// guided part from the token-level inputs (PreferenceLogps' token ratios and token rewards).
// The paper's practical guide is a DPO-trained model's implicit reward,
// r_t = beta_g (log pi_dpo(y_t) - log ref(y_t)); here r_t is whatever the caller puts in the
// token rewards (a DPO model's, or gold step labels). The weights are not clipped, as in the
// paper's code: a large alpha r^r_t can turn a rejected token's weight negative.
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/dpo_losses/loss_parts.h"

namespace rlab::prefopt {

DpoLossRegistry::Entry TgdpoLoss() {
  return {
      "tgdpo",
      "TGDPO: sigmoid DPO whose tokens are weighted 1 + alpha r_t (chosen) and 1 - alpha r_t "
      "(rejected) by a guiding token reward (needs token-level inputs)",
      {DpoBetaKey(), {"alpha", "0.5", "strength of the token reward guidance"}},
      [](const SpecArgs& a) -> std::unique_ptr<DpoLoss> {
        const double b = a.Get<double>("beta"), alpha = a.Get<double>("alpha");
        RLAB_CHECK(alpha >= 0, "tgdpo: alpha must be >= 0, got {}", alpha);
        return std::make_unique<ReferenceLoss>(
            fmt::format("tgdpo(beta={}, alpha={})", b, alpha), b, false,
            [b, alpha](const torch::Tensor& c, const torch::Tensor& r, const PreferenceLogps& p) {
              const torch::Tensor guided_chosen = RewardWeightedRatioSum(  // [B]
                  p.chosen_token_ratios, p.chosen_token_rewards, c, "tgdpo", "chosen");
              const torch::Tensor guided_rejected = RewardWeightedRatioSum(  // [B]
                  p.rejected_token_ratios, p.rejected_token_rewards, c, "tgdpo", "rejected");
              return torch::softplus(-b *
                                     ((c - r) + alpha * (guided_chosen + guided_rejected)));  // [B]
            });
      }};
}

}  // namespace rlab::prefopt
