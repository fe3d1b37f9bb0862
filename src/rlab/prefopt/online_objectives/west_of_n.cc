// The online objective `west_of_n`: West-of-N preference pairs (Pace et al., "West-of-N:
// Synthetic Preference Generation for Improved Reward Modeling", arXiv:2401.12086; its v2 is
// "West-of-N: Synthetic Preferences for Self-Improving Reward Models"): of the G samples of a
// prompt, the best and the worst by judged win rate (the mean over j != i of P(y_i > y_j))
// form the pair, and a DPO-registry loss trains the policy on it against the reference. The
// paper builds such pairs to train a reward model; here they train the policy directly, the
// best-vs-worst pairing that iterative DPO recipes also use.
#include <torch/torch.h>

#include "rlab/prefopt/online_objectives/group_pair.h"

namespace rlab::prefopt {

namespace {

class WestOfN : public OnlineObjective {
 public:
  explicit WestOfN(std::unique_ptr<DpoLoss> loss) : loss_(std::move(loss)) {}
  OnlineNeeds Needs() const override { return {.min_group = 2}; }
  std::string Describe() const override {
    return fmt::format("west_of_n(loss={})", loss_->Describe());
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const int64_t prompts = batch.logps.size(0), group = batch.logps.size(1);
    const torch::Tensor preference = batch.preference.detach();  // [P, G, G]
    // The diagonal holds 1/2: subtract it to average over the others only.
    const torch::Tensor win_rate = (preference.sum(2) - 0.5) / (group - 1);     // [P, G]
    const torch::Tensor best = win_rate.argmax(1), worst = win_rate.argmin(1);  // [P]
    const torch::Tensor base = torch::arange(prompts, torch::kInt64) * group;   // [P]
    const torch::Tensor judged =
        preference.index({torch::arange(prompts, torch::kInt64), best, worst});  // [P]
    return GroupPairLoss(*loss_, batch, {base + best, base + worst, judged});
  }

 private:
  std::unique_ptr<DpoLoss> loss_;
};

}  // namespace

OnlineObjectiveRegistry::Entry WestOfNObjective() {
  return {"west_of_n",
          "best vs worst of the group by judged win rate as the DPO pair (Pace et al., "
          "West-of-N, arXiv:2401.12086)",
          GroupPairKeys(), [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<WestOfN>(MakeGroupPairLoss(a));
          }};
}

}  // namespace rlab::prefopt
