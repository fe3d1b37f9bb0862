// credit delta: the Delta refinement of process rewards (Gao et al., "On Designing Effective
// RL Reward at Training Time for LLM Reasoning", arXiv:2410.15115): each step is paid the
// difference to the next step's reward, the last step its own,
//   r'_k = r_k - r_{k+1} (k < K),   r'_K = r_K,
// so the sum from step k telescopes to r_k: a token's return is the reward of the step it
// belongs to, bounded whatever the number of steps, and repeating a well-paid step gains
// nothing. Combined with the outcome's group advantage (step_returns.h), as the paper adds the
// success reward. Steps that end on one token count as one (their rewards were added there).
#include <torch/torch.h>

#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

namespace {

// r'_k = r_k - r_{k+1} on the rewarded positions, the last one keeping r_K; [N, T].
torch::Tensor DeltaRewards(const torch::Tensor& rewards, const torch::Tensor& positions) {
  const torch::Tensor r = rewards.to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor p = positions.to(torch::kCPU).contiguous();
  torch::Tensor delta = torch::zeros_like(r);
  auto rin = r.accessor<float, 2>();
  auto pin = p.accessor<bool, 2>();
  auto out = delta.accessor<float, 2>();
  for (int64_t i = 0; i < r.size(0); ++i) {
    int64_t later = -1;  // the next rewarded column after the current one
    for (int64_t t = r.size(1) - 1; t >= 0; --t) {
      if (!pin[i][t]) continue;
      out[i][t] = later < 0 ? rin[i][t] : rin[i][t] - rin[i][later];
      later = t;
    }
  }
  return delta.to(rewards.device());
}

}  // namespace

StepCreditRegistry::Entry DeltaStepCredit() {
  return {"delta",
          "outcome advantage + the reward of the step each token belongs to (Delta: r_k - "
          "r_{k+1} summed; Gao et al., arXiv:2410.15115)",
          {},
          [](const SpecArgs&) {
            return MakeReturnCredit(
                "delta",
                [](const StepCreditInputs& in) {
                  return SumFormReturns(DeltaRewards(in.process.rewards, in.process.positions),
                                        in.process.positions);
                },
                AfterLastStep::kLastStepReturn);
          }};
}

}  // namespace rlab::rl
