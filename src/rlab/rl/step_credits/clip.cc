// credit clip: the Clip refinement of process rewards (Gao et al., "On Designing Effective RL
// Reward at Training Time for LLM Reasoning", arXiv:2410.15115): each step's reward is capped
// at a threshold eta and shifted below zero,
//   r'_k = min(r_k - eta, 0),   G_t = sum of r'_k over the steps ending at or after t,
// so no trajectory's summed process reward exceeds 0 and extra steps can only cost; combined
// with the outcome's group advantage (step_returns.h), as the paper adds the success reward.
// Difference at this scale: the paper sets eta per reward model (around its scores on
// correct steps); here it is a key, 0.5 for rewards in [0, 1].
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

StepCreditRegistry::Entry ClipStepCredit() {
  return {"clip",
          "outcome advantage + sum of min(r - eta, 0) from each token on (Clip, Gao et al., "
          "arXiv:2410.15115)",
          {{"eta", "0.5", "threshold: step rewards above it count as 0, below it as r - eta"}},
          [](const SpecArgs& a) {
            const double eta = a.Get<double>("eta");
            return MakeReturnCredit(
                fmt::format("clip(eta={})", eta),
                [eta](const StepCreditInputs& in) {
                  const torch::Tensor clipped = (in.process.rewards - eta).clamp_max(0);  // [N, T]
                  return SumFormReturns(clipped, in.process.positions);
                },
                AfterLastStep::kLastStepReturn);
          }};
}

}  // namespace rlab::rl
