// The direct-preference-optimisation losses, as a registry under TRL's names and semantics
// (DPOTrainer's loss_type, CPOTrainer's simpo, ORPOTrainer), over per-sequence log-probs of
// the chosen and rejected completions. With h = (log pi(y_c) - log pi(y_r)) -
// (log ref(y_c) - log ref(y_r)) and label smoothing eps:
//   sigmoid   -log sigmoid(beta h) (Rafailov et al., "Direct Preference Optimization",
//             arXiv:2305.18290); as in TRL it takes no label smoothing: cdpo is the smoothed one
//   robust    [-(1 - eps) log sigmoid(beta h) + eps log sigmoid(-beta h)] / (1 - 2 eps)
//             (Chowdhury et al., "Provably Robust DPO", arXiv:2403.00409)
//   hinge     max(0, 1 - beta h) (SLiC, Zhao et al., arXiv:2305.10425)
//   ipo       (h - 1 / (2 beta))^2 on length-averaged log-probs (Azar et al., "A General
//             Theoretical Paradigm to Understand Learning from Human Preferences",
//             arXiv:2310.12036)
//   rpo       sigmoid plus alpha times the per-token negative log-likelihood of the chosen
//             completion (Pang et al., "Iterative Reasoning Preference Optimization",
//             arXiv:2404.19733; Liu et al., "Provably Mitigating Overoptimization in RLHF",
//             arXiv:2405.16436)
//   apo_zero  (1 - sigmoid(beta (log pi - log ref)(y_c))) + sigmoid(beta (log pi - log
//             ref)(y_r)) (D'Oosterlinck et al., "Anchored Preference Optimization",
//             arXiv:2408.06266)
//   simpo     reference-free: -log sigmoid(beta (avg log pi(y_c) - avg log pi(y_r)) - gamma)
//             on length-averaged log-probs (Meng et al., "SimPO", arXiv:2405.14734)
//   orpo      reference-free: per-token NLL of y_c - lambda log sigmoid(log odds(y_c) - log
//             odds(y_r)), odds p / (1 - p) of the length-averaged probability (Hong et al.,
//             "ORPO", arXiv:2403.07691); lambda is `beta`, as in TRL
// and TRL's other loss types, one file each in dpo_losses/ with its formula and paper there:
// cdpo, exo_pair, nca_pair, bco_pair, sppo_hard, aot, aot_unpaired, apo_down, discopop,
// sigmoid_norm, sft; and the token- and step-level ones: tgdpo and t_reg (which read the
// token-level inputs below), svpo (step pairs with tree-search value margins). Every loss is the mean over the batch of per-pair values (aot,
// aot_unpaired, bco_pair and sft also look at the whole batch or at earlier batches; see their
// files) and also returns the implicit rewards TRL logs, beta (log pi - log ref) (beta log pi
// for the reference-free ones).
#pragma once

#include <torch/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab {
class CheckpointState;
}

namespace rlab::prefopt {

struct PreferenceLogps {
  torch::Tensor chosen, rejected;                // [B] summed completion log-probs under the policy
  torch::Tensor ref_chosen, ref_rejected;        // [B] under the reference (unused by simpo, orpo)
  torch::Tensor chosen_tokens, rejected_tokens;  // [B] completion lengths in tokens
  // [B] each pair's reward margin from the data (its "margin", or score_chosen -
  // score_rejected); undefined when the data gives none. Read only by the losses that need it.
  torch::Tensor margins;
  // Token-level inputs, read only by the losses that weigh tokens (tgdpo, t_reg; undefined
  // otherwise). [B, T] each, one column per completion token (T: the side's longest completion),
  // 0 past each completion's end. The ratios sum over a row to that completion's log pi - log ref.
  torch::Tensor chosen_token_ratios, rejected_token_ratios;    // log pi - log ref per token
  torch::Tensor chosen_token_rewards, rejected_token_rewards;  // token-level reward guidance
};

struct DpoLossOutput {
  torch::Tensor loss;              // scalar
  torch::Tensor chosen_rewards;    // [B], detached
  torch::Tensor rejected_rewards;  // [B], detached
};

class DpoLoss {
 public:
  virtual ~DpoLoss() = default;
  virtual DpoLossOutput operator()(const PreferenceLogps& logps) const = 0;
  virtual bool NeedsReference() const { return true; }
  virtual std::string Describe() const = 0;
  // State carried from batch to batch (bco_pair's running mean), kept in tensors that training
  // updates in place, added to `state` under names that start with `prefix`; none by default.
  virtual void AddStateTo(CheckpointState& /*state*/, const std::string& /*prefix*/) const {}
};

using DpoLossRegistry = Registry<DpoLoss>;
DpoLossRegistry& DpoLosses();
void RegisterDpoLosses();  // safe to call more than once
std::unique_ptr<DpoLoss> MakeDpoLoss(std::string_view spec);

DpoLossRegistry::Entry CdpoLoss();         // dpo_losses/cdpo.cc
DpoLossRegistry::Entry ExoPairLoss();      // dpo_losses/exo_pair.cc
DpoLossRegistry::Entry NcaPairLoss();      // dpo_losses/nca_pair.cc
DpoLossRegistry::Entry BcoPairLoss();      // dpo_losses/bco_pair.cc
DpoLossRegistry::Entry SppoHardLoss();     // dpo_losses/sppo_hard.cc
DpoLossRegistry::Entry AotLoss();          // dpo_losses/aot.cc
DpoLossRegistry::Entry AotUnpairedLoss();  // dpo_losses/aot_unpaired.cc
DpoLossRegistry::Entry ApoDownLoss();      // dpo_losses/apo_down.cc
DpoLossRegistry::Entry DiscoPopLoss();     // dpo_losses/discopop.cc
DpoLossRegistry::Entry SigmoidNormLoss();  // dpo_losses/sigmoid_norm.cc
DpoLossRegistry::Entry SftLoss();          // dpo_losses/sft.cc
DpoLossRegistry::Entry MmDpoLoss();        // dpo_losses/mm_dpo.cc
DpoLossRegistry::Entry VpoLoss();          // dpo_losses/vpo.cc
DpoLossRegistry::Entry TgdpoLoss();        // dpo_losses/tgdpo.cc
DpoLossRegistry::Entry TRegLoss();         // dpo_losses/t_reg.cc
DpoLossRegistry::Entry SvpoLoss();         // dpo_losses/svpo.cc

// Several losses at once, as TRL's loss_type list with loss_weights: sum_i w_i L_i; the logged
// rewards are the first loss's. Needs a reference when any part does.
std::unique_ptr<DpoLoss> MakeWeightedDpoLoss(
    const std::vector<std::pair<std::string, double>>& specs_and_weights);

}  // namespace rlab::prefopt
