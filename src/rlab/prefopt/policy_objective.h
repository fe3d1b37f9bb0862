// The loss of a preference-optimisation step (rlab dpo), whatever its family, over the summed
// completion log-probs of a batch's sequences: the DPO registry's losses (several at once
// with weights, TRL's loss_type list), or an objective of the policy-objective registry that
// stands alone and trains on other data: PRO on rankings, KTO on unpaired feedback. It also
// returns the figures TRL logs under the same names: rewards/chosen, rewards/rejected,
// rewards/accuracies, rewards/margins, logps/chosen, logps/rejected, logits/chosen,
// logits/rejected (the mean logit over the vocabulary per completion token, as TRL's
// DPOTrainer). KTO: rewards/chosen and rewards/rejected are the desirable and undesirable means,
// with TRL's KTOTrainer's rewards/chosen_sum, logps/chosen_sum, count/chosen (and rejected) per
// micro-batch, and reference_point, its z, which TRL logs as "kl": it is "kl" on training lines
// too, but not on held-out ones, where eval_kl is the KL measured on the policy's samples.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/prefopt/policy_units.h"

namespace rlab {
class CheckpointState;
}

namespace rlab::prefopt {

// Per sequence of a batch, in the order of the units' sequences: [S] each.
struct SequenceScores {
  torch::Tensor logps;      // summed completion log-probs under the policy (with gradients)
  torch::Tensor ref_logps;  // under the reference (zeros when no reference is needed)
  torch::Tensor tokens;     // completion lengths
  // Detached: the sum over completion tokens of the mean logit over the vocabulary; undefined
  // when the caller has no logits (the logits/ figures are then left out).
  torch::Tensor logit_sums;
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
  // State the objective carries from batch to batch (bco_pair's running mean), kept in tensors
  // updated in place, added to a trainer's checkpoint; none by default.
  virtual void AddStateTo(CheckpointState& /*state*/) const {}
};

struct PolicyObjectiveOptions {
  std::vector<std::string> loss_type = {"sigmoid"};  // specs: DPO losses, or one standalone
  std::vector<double> loss_weights;                  // one per loss_type; empty: all 1
  double beta = 0.1;             // given to every loss whose spec does not set it
  double label_smoothing = 0.0;  // likewise, for the losses that take it

  template <class V>
  void Fields(V& v) {
    v("loss_type", loss_type,
      "losses (TRL's names): sigmoid, robust, hinge, ipo, rpo, apo_zero, apo_down, "
      "simpo, orpo, exo_pair, nca_pair, bco_pair, sppo_hard, aot, aot_unpaired, discopop, "
      "sigmoid_norm, sft, cdpo (combinable), or kto, or pro; each may carry options, "
      "e.g. simpo(gamma=0.5)");
    v("loss_weights", loss_weights, "one weight per loss_type (empty: all 1)");
    v("beta", beta, "beta of every loss that does not set its own");
    v("label_smoothing", label_smoothing,
      "label smoothing of the losses that take it (cdpo, robust, exo_pair, aot, aot_unpaired, "
      "simpo); TRL's sigmoid takes none");
  }
  void Validate() const;  // the ranges, and that the objective can be made
};

std::unique_ptr<PolicyObjective> MakePolicyObjective(const PolicyObjectiveOptions& options);

// Appends (name, mean logit per completion token over the sequences at `rows`), TRL's
// logits/chosen: summed over tokens, then divided by their count (NaN without tokens); nothing
// when `scores` has no logits.
void AppendMeanLogits(const SequenceScores& scores, const std::vector<int64_t>& rows,
                      const std::string& name, std::vector<std::pair<std::string, double>>& out);

// The objectives that stand alone in loss_type because they train on other data than pairs;
// every other name in loss_type is a DPO loss (dpo_losses.h). Each entry takes `beta` and
// `label_smoothing` from the options when it declares the key and its spec leaves it out.
using PolicyObjectiveRegistry = Registry<PolicyObjective>;
PolicyObjectiveRegistry& PolicyObjectives();
void RegisterPolicyObjectives();  // safe to call more than once

PolicyObjectiveRegistry::Entry KtoObjectiveEntry();  // kto_objective.cc
PolicyObjectiveRegistry::Entry ProObjectiveEntry();  // pro_objective.cc

}  // namespace rlab::prefopt
