// Credit assignment over the steps of a completion: how outcome rewards [N] and process rewards
// (reward/signal/process_reward_source.h, [N, T] on the steps' last tokens) become token
// advantages [N, T] for the policy loss (rl/policy_gradient_loss.h takes them as they are).
// Entries sit beside the outcome estimators of rl/group_advantages.h, as specs:
//   sum            the outcome's group advantage plus each token's return of the process
//                  rewards after it (summed credit: the form that process rewards get hacked
//                  under)
//   pure           the min of the process rewards after each token (PURE's min-form credit)
//   clip, delta    step rewards capped below a threshold, or paid as differences to the next
//                  step's, so that no trajectory's summed reward grows with its steps
//   g_ra           summed process rewards counted only where the outcome passes a threshold
//   salt           each step the mean outcome advantage of the group's completions that share
//                  it (a trajectory graph of outcome rewards; the process rewards' positions
//                  only mark the steps)
//   spa            the outcome redistributed to the steps by a progress estimator fitted on
//                  the process scores, as summed returns
// one file each under rl/step_credits/ with its paper (RTO's dense DPO rewards are the process
// source implicit(path=DIR) under sum).
// Adding one is a file and a line in RegisterStepCredits().
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/reward/signal/process_reward_source.h"

namespace rlab::rl {

struct StepCreditInputs {
  torch::Tensor outcome;             // [N] outcome rewards after the run's reward transform
  reward::ProcessRewards process;    // [N, T] rewards on the positions that carry one
  torch::Tensor mask;                // [N, T] float: 1 on completion tokens
  int64_t group_size = 1;            // G completions per prompt, rows grouped contiguously
  torch::Tensor outcome_advantages;  // [N] the run's outcome estimator (the algo's) on outcome
  torch::Tensor tokens;              // [N, T] int64 generated ids: salt merges steps written alike
};

class StepCredit {
 public:
  virtual ~StepCredit() = default;
  // Token advantages [N, T], 0 off the mask, no gradient.
  virtual torch::Tensor operator()(const StepCreditInputs& inputs) const = 0;
  virtual std::string Describe() const = 0;
};

using StepCreditRegistry = Registry<StepCredit>;
StepCreditRegistry& StepCredits();
void RegisterStepCredits();  // safe to call more than once
std::unique_ptr<StepCredit> MakeStepCredit(std::string_view spec);

// The entries, one file each under rl/step_credits/.
StepCreditRegistry::Entry SumStepCredit();
StepCreditRegistry::Entry PureStepCredit();
StepCreditRegistry::Entry ClipStepCredit();
StepCreditRegistry::Entry DeltaStepCredit();
StepCreditRegistry::Entry GatedStepCredit();
StepCreditRegistry::Entry SaltStepCredit();
StepCreditRegistry::Entry SpaStepCredit();

}  // namespace rlab::rl
