// The loss of a preference-optimisation step (rlab dpo), whatever its family, over the summed
// completion log-probs of a batch's sequences: the DPO registry's losses (several at once
// with weights, TRL's loss_type list), or an objective of the policy-objective registry that
// stands alone and trains on other data: PRO on rankings, KTO on unpaired feedback. It also
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

#include "rlab/core/registry.h"
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
  std::vector<std::string> loss_type = {"sigmoid"};  // specs: DPO losses, or one standalone
  std::vector<double> loss_weights;                  // one per loss_type; empty: all 1
  double beta = 0.1;             // given to every loss whose spec does not set it
  double label_smoothing = 0.0;  // likewise, for the losses that take it

  template <class V>
  void Fields(V& v) {
    v("loss_type", loss_type,
      "losses (TRL's names): sigmoid, robust, hinge, ipo, rpo, "
      "apo_zero, simpo, orpo (combinable), or kto, or pro; each may "
      "carry options, e.g. simpo(gamma=0.5)");
    v("loss_weights", loss_weights, "one weight per loss_type (empty: all 1)");
    v("beta", beta, "beta of every loss that does not set its own");
    v("label_smoothing", label_smoothing, "label smoothing (conservative / robust DPO)");
  }
  void Validate() const;  // the ranges, and that the objective can be made
};

std::unique_ptr<PolicyObjective> MakePolicyObjective(const PolicyObjectiveOptions& options);

// The objectives that stand alone in loss_type because they train on other data than pairs;
// every other name in loss_type is a DPO loss (dpo_losses.h). Each entry takes `beta` and
// `label_smoothing` from the options when it declares the key and its spec leaves it out.
using PolicyObjectiveRegistry = Registry<PolicyObjective>;
PolicyObjectiveRegistry& PolicyObjectives();
void RegisterPolicyObjectives();  // safe to call more than once

PolicyObjectiveRegistry::Entry KtoObjectiveEntry();  // kto_objective.cc
PolicyObjectiveRegistry::Entry ProObjectiveEntry();  // pro_objective.cc

}  // namespace rlab::prefopt
