// credit g_ra: Gated Reward Accumulation ("Stabilizing Long-term Multi-turn
// Reinforcement Learning with Gated Rewards", arXiv:2508.10548): step rewards count only in a
// completion whose long-term (outcome) reward reaches a threshold,
//   G_t = [outcome >= threshold] * sum of r_k over the steps ending at or after t,
// so a policy cannot collect step rewards on answers that fail; combined with the outcome's
// group advantage (step_returns.h). Differences at this scale: the paper gates the immediate
// rewards of the turns of a software-engineering agent by the episode's verification result;
// here the turns are reasoning steps and the gate reads the run's outcome reward after its
// transform (and KL, with kl_penalty=reward).
#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

StepCreditRegistry::Entry GatedStepCredit() {
  return {"g_ra",
          "outcome advantage + summed process rewards, counted only where the outcome "
          "reaches the threshold (G-RA, arXiv:2508.10548)",
          {{"threshold", "0.5",
            "outcome reward at which step rewards count (0/1 task rewards: right answers)"}},
          [](const SpecArgs& a) {
            const double threshold = a.Get<double>("threshold");
            return MakeReturnCredit(
                fmt::format("g_ra(threshold={})", threshold),
                [threshold](const StepCreditInputs& in) {
                  const torch::Tensor open = in.outcome.ge(threshold).to(torch::kFloat32);  // [N]
                  const torch::Tensor gated =
                      in.process.rewards * open.to(in.process.rewards.device()).unsqueeze(1);
                  return SumFormReturns(gated, in.process.positions);
                },
                AfterLastStep::kLastStepReturn);
          }};
}

}  // namespace rlab::rl
