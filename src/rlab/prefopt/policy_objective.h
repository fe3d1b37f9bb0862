// The loss of a preference-optimisation step (rlab dpo), whatever its family, over the summed
// completion log-probs of a batch's sequences: the DPO registry's losses (several at once
// with weights, TRL's loss_type list), PRO on rankings, or KTO on unpaired feedback. It also
// returns the figures TRL logs under the same names: rewards/chosen, rewards/rejected,
// rewards/accuracies, rewards/margins, logps/chosen, logps/rejected (KTO: rewards/chosen and
// rewards/rejected are the desirable and undesirable means, plus reference_point, its z; TRL
// logs it as "kl", a name kept here for the KL measured on samples).
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rlab/prefopt/policy_units.h"

namespace rlab::prefopt {

// Per sequence of a batch, in the order of the units' sequences: [S] each.
struct SequenceScores {
  torch::Tensor logps;      // summed completion log-probs under the policy (with gradients)
  torch::Tensor ref_logps;  // under the reference (zeros when no reference is needed)
  torch::Tensor tokens;     // completion lengths
};

struct PolicyLossResult {
  torch::Tensor loss;  // scalar
  std::vector<std::pair<std::string, double>> metrics;
};

class PolicyObjective {
 public:
  virtual ~PolicyObjective() = default;
  virtual PolicyLossFamily family() const = 0;
  virtual bool NeedsReference() const = 0;
  virtual PolicyLossResult Loss(const std::vector<const PolicyUnit*>& units,
                                const SequenceScores& scores) const = 0;
  virtual std::string Describe() const = 0;
};

struct PolicyObjectiveOptions {
  std::vector<std::string> loss_type = {"sigmoid"};  // names or specs; kto and pro stand alone
  std::vector<double> loss_weights;                  // one per loss_type; empty: all 1
  double beta = 0.1;             // given to every loss whose spec does not set it
  double label_smoothing = 0.0;  // likewise, for the losses that take it
};

std::unique_ptr<PolicyObjective> MakePolicyObjective(const PolicyObjectiveOptions& options);

}  // namespace rlab::prefopt
