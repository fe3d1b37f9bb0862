// The online entries that train on one pair per prompt, picked from the prompt's group of
// samples (online DPO, West-of-N): a loss of the DPO registry (dpo_losses.h) over the chosen
// and rejected samples with the reference's log-probs, and the figures TRL logs for it.
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/online_objective.h"

namespace rlab::prefopt {

// The keys `loss` (a DPO-registry spec, default sigmoid) and `beta` (0.1) of a pair entry.
std::vector<KeyDoc> GroupPairKeys();
// The DPO loss of `loss`, given `beta` unless its spec sets its own (or it takes no beta).
std::unique_ptr<DpoLoss> MakeGroupPairLoss(const SpecArgs& args);

// Per prompt, the rows of the pair within its group.
struct GroupPairs {
  torch::Tensor chosen;    // [N] int64, prompt-major rows of the flattened [P * G] batch
  torch::Tensor rejected;  // [N]
  torch::Tensor judged;    // [N] the judge's P(chosen > rejected), for the figures
};

// The pair loss, with rewards/{chosen,rejected,accuracies,margins}, logps/{chosen,rejected} and
// pair/judged_preference (the mean judged P(chosen > rejected)).
OnlineLoss GroupPairLoss(const DpoLoss& loss, const OnlineBatch& batch, const GroupPairs& pairs);

}  // namespace rlab::prefopt
