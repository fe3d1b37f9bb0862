// What the step credits of rl/step_credits/ share: returns over the process rewards of a batch
// ([N, T], a step's reward on its last token) in sum form and min form, and the one way every
// credit turns returns into token advantages:
//   A_t = A_outcome + (G_t - b)   on the completion's tokens,
// with A_outcome the run's outcome estimator on the completion's outcome reward (the algo's
// group advantage) and b the mean whole-completion return G_0 of the other completions of the
// prompt (a leave-one-out baseline as RLOO's, the same for every token: the gradient stays
// unbiased; 0 for groups of one). The tokens after a completion's last rewarded token (where
// it stops: end of text, stray text) either belong to its last step and take that step's
// return (kLastStepReturn: stopping is judged by the step it ends, as continuing is by the
// steps it writes; sum, pure, clip, delta and g_ra), or get A_outcome alone (kOutcomeOnly,
// which leaves stopping to the outcome and, against a constant baseline, favours it). A
// completion with no rewarded token has G = 0 on all its tokens, so a source that pays nothing
// for malformed text pushes it below its group.
#pragma once

#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

#include "rlab/rl/step_credit.h"

namespace rlab::rl {

// G_t = sum of rewards[p] over the rewarded positions p >= t; [N, T] float32.
torch::Tensor SumFormReturns(const torch::Tensor& rewards, const torch::Tensor& positions);
// G_t = min of rewards[p] over the rewarded positions p >= t, 0 where none is left; [N, T].
torch::Tensor MinFormReturns(const torch::Tensor& rewards, const torch::Tensor& positions);

enum class AfterLastStep { kOutcomeOnly, kLastStepReturn };

// Token advantages [N, T] from the inputs' outcome advantages and the returns [N, T], per the
// rule above; 0 off the mask, no gradient.
torch::Tensor CreditAdvantages(const StepCreditInputs& inputs, const torch::Tensor& returns,
                               AfterLastStep after = AfterLastStep::kOutcomeOnly);

// A credit that computes returns [N, T] from the inputs and applies CreditAdvantages.
using StepReturns = std::function<torch::Tensor(const StepCreditInputs&)>;
std::unique_ptr<StepCredit> MakeReturnCredit(std::string description, StepReturns returns,
                                             AfterLastStep after = AfterLastStep::kOutcomeOnly);

}  // namespace rlab::rl
