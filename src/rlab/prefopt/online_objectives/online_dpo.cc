// The online objective `online_dpo`: online DPO from AI feedback (Guo et al., "Direct Language
// Model Alignment from Online AI Feedback", arXiv:2402.04792; TRL's OnlineDPOTrainer). Each
// prompt's samples are taken two at a time, (0, 1), (2, 3), ...; the judge's preferred one of
// each pair is chosen (the first on a tie; an odd last sample sits out), and a DPO-registry loss
// trains on the pairs against the reference.
#include <torch/torch.h>

#include "rlab/prefopt/online_objectives/group_pair.h"

namespace rlab::prefopt {

namespace {

class OnlineDpo : public OnlineObjective {
 public:
  explicit OnlineDpo(std::unique_ptr<DpoLoss> loss) : loss_(std::move(loss)) {}
  OnlineNeeds Needs() const override { return {.min_group = 2}; }
  std::string Describe() const override {
    return fmt::format("online_dpo(loss={})", loss_->Describe());
  }

  OnlineLoss Loss(const OnlineBatch& batch) const override {
    const int64_t prompts = batch.logps.size(0), group = batch.logps.size(1);
    const int64_t pairs = group / 2;
    const torch::Tensor first = torch::arange(0, 2 * pairs, 2, torch::kInt64);  // [K]
    const torch::Tensor second = first + 1;                                     // [K]
    const torch::Tensor judged =
        batch.preference.index({torch::indexing::Slice(), first, second}).detach();  // [P, K]
    const torch::Tensor first_wins = judged >= 0.5;                                  // [P, K]
    const torch::Tensor base =
        (torch::arange(prompts, torch::kInt64) * group).unsqueeze(1);               // [P, 1]
    const torch::Tensor chosen = base + torch::where(first_wins, first, second);    // [P, K]
    const torch::Tensor rejected = base + torch::where(first_wins, second, first);  // [P, K]
    const torch::Tensor chosen_p = torch::where(first_wins, judged, 1 - judged);    // [P, K]
    return GroupPairLoss(*loss_, batch,
                         {chosen.reshape({-1}), rejected.reshape({-1}), chosen_p.reshape({-1})});
  }

 private:
  std::unique_ptr<DpoLoss> loss_;
};

}  // namespace

OnlineObjectiveRegistry::Entry OnlineDpoObjective() {
  return {"online_dpo",
          "online DPO from AI feedback: the judge picks the better of each two samples "
          "(Guo et al., arXiv:2402.04792; TRL's OnlineDPOTrainer)",
          GroupPairKeys(), [](const SpecArgs& a) -> std::unique_ptr<OnlineObjective> {
            return std::make_unique<OnlineDpo>(MakeGroupPairLoss(a));
          }};
}

}  // namespace rlab::prefopt
