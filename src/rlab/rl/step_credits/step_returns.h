// What the step credits of rl/step_credits/ share: returns over the process rewards of a batch
// ([N, T], a step's reward on its last token) in sum form and min form, and the one way every
// credit turns returns into token advantages:
//   A_t = A_outcome + (G_t - b)   on the completion's tokens up to its last rewarded token,
//   A_t = A_outcome               after it,
// with A_outcome the run's outcome estimator on the completion's outcome reward (the algo's
// group advantage) and b the mean whole-completion return G_0 of the other completions of the
// prompt (a leave-one-out baseline as RLOO's; 0 for groups of one). A completion with no
// rewarded token has G = 0 on all its tokens, so a source that pays nothing for malformed text
// pushes it below its group.
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

// Token advantages [N, T] from the inputs' outcome advantages and the returns [N, T], per the
// rule above; 0 off the mask, no gradient.
torch::Tensor CreditAdvantages(const StepCreditInputs& inputs, const torch::Tensor& returns);

// A credit that computes returns [N, T] from the inputs and applies CreditAdvantages.
using StepReturns = std::function<torch::Tensor(const StepCreditInputs&)>;
std::unique_ptr<StepCredit> MakeReturnCredit(std::string description, StepReturns returns);

}  // namespace rlab::rl
