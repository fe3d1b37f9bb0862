// credit sum: summed credit, the canonical return of RL over the process rewards,
//   G_t = sum of the step rewards r_k of the steps ending at or after token t,
// added to the outcome's group advantage (step_returns.h: leave-one-out baseline of the whole
// return). Undiscounted (gamma = 1) as completions are short. This is the form that "Stop
// Summation: Min-Form Credit Assignment Is All Process Reward Model Needs for Reasoning"
// (Cheng et al., arXiv:2504.15275) shows a process reward model gets hacked under: every
// step that is paid more than nothing raises the return, so more steps pay more.
#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

StepCreditRegistry::Entry SumStepCredit() {
  return {"sum",
          "outcome advantage + sum of the process rewards from each token on (summed credit)",
          {},
          [](const SpecArgs&) {
            return MakeReturnCredit(
                "sum",
                [](const StepCreditInputs& in) {
                  return SumFormReturns(in.process.rewards, in.process.positions);
                },
                AfterLastStep::kLastStepReturn);
          }};
}

}  // namespace rlab::rl
