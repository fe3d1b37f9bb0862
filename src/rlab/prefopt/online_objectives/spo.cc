// The online objective `spo`: Self-Play Preference Optimization (Swamy et al., "A Minimaximalist
// Approach to Reinforcement Learning from Human Feedback", arXiv:2401.04056). The reward of a
// sample is its proportion of wins against the other samples of its group (GroupWinRates of
// the judged P(y_i > y_j), soft wins where the judge is unsure), and the policy is trained on it
// with standard RL; the fixed point is the Minimax Winner, also where preferences are
// intransitive. The RL here: the reward less beta times the sample's log-ratio to the reference
// (the k1 estimate of the KL, as TRL's online trainers fold it into the reward), a group-mean
// baseline, and PPO's clipped surrogate on the sequence's ratio to the sampling policy pi_t:
//   r_i = winrate_i - beta (log pi_t(y_i) - log ref(y_i)),  A_i = r_i - mean_g r_g,
//   L = -mean_{p,i} min(rho_i A_i, clip(rho_i, 1 - clip, 1 + clip) A_i),  rho_i = pi/pi_t(y_i).
// At the first update of a batch rho = 1 and the gradient is REINFORCE's with the baseline.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"

namespace rlab::prefopt {

namespace {

class Spo : public OnlineObjective {
 public:
  Spo(double beta, double clip) : beta_(beta), clip_(clip) {
    RLAB_CHECK(beta >= 0 && std::isfinite(beta), "spo: beta must be >= 0 and finite, got {}", beta);
    RLAB_CHECK(clip > 0 && clip < 1, "spo: clip must be in (0, 1), got {}", clip);
  }
  std::string Describe() const override {
    return fmt::format("spo(beta={}, clip={})", beta_, clip_);
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const torch::Tensor win_rates = GroupWinRates(batch.preference);  // [P, G]
    const torch::Tensor rewards = win_rates - beta_ * (batch.old_logps - batch.ref_logps);
    const torch::Tensor advantages = (rewards - rewards.mean(1, true)).detach();  // [P, G]
    const torch::Tensor ratio = (batch.logps - batch.old_logps).exp();            // [P, G]
    const torch::Tensor surrogate =
        torch::min(ratio * advantages, ratio.clamp(1 - clip_, 1 + clip_) * advantages);
    const torch::Tensor clipped = (ratio.detach() - 1).abs() > clip_;
    return {-surrogate.mean(),
            {{"rewards/win_rate_std", win_rates.std(1, false).mean().item<double>()},
             {"clip_fraction", clipped.to(torch::kFloat64).mean().item<double>()}}};
  }

 private:
  double beta_, clip_;
};

}  // namespace

OnlineObjectiveRegistry::Entry SpoObjective() {
  return {"spo",
          "SPO: self-play, reward = win rate against the group's other samples, clipped policy "
          "gradient with a KL penalty (Swamy et al., arXiv:2401.04056)",
          {{"beta", "0.05", "coefficient of the KL to the reference in the reward"},
           {"clip", "0.2", "PPO's clip range of the sequence ratio to pi_t"}},
          [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<Spo>(a.Get<double>("beta"), a.Get<double>("clip"));
          }};
}

}  // namespace rlab::prefopt
