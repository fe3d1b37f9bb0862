// credit pure: PURE's min-form credit assignment (Cheng et al., "Stop Summation: Min-Form
// Credit Assignment Is All Process Reward Model Needs for Reasoning", arXiv:2504.15275): the
// value of a token is the minimum of the process rewards still to come,
//   G_t = min over the steps k ending at or after token t of r_k   (0 once no step is left),
// so the return stays within the reward model's range and more steps cannot raise it; the
// worst step decides. Combined with the outcome's group advantage (step_returns.h).
// Differences from the paper at this scale: the paper reaches the min through a softmax
// reweighting of the rewards at a low temperature (then sums them); this takes the exact
// minimum. Its mix of 10% verifiable rewards is here the run's outcome reward with its
// weight (reward_weights), on every prompt rather than on a tenth of them.
#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"

namespace rlab::rl {

StepCreditRegistry::Entry PureStepCredit() {
  return {"pure",
          "outcome advantage + min of the process rewards from each token on (PURE, Cheng et "
          "al., arXiv:2504.15275)",
          {},
          [](const SpecArgs&) {
            return MakeReturnCredit(
                "pure",
                [](const StepCreditInputs& in) {
                  return MinFormReturns(in.process.rewards, in.process.positions);
                },
                AfterLastStep::kLastStepReturn);
          }};
}

}  // namespace rlab::rl
