// The objectives of online preference optimisation (`rlab online-po`): each step the policy
// samples G completions of each of P prompts, a preference judge (reward/signal/
// preference_judge.h) compares them with each other (and, where an objective asks for them,
// with samples of an opponent policy), and an entry of this registry turns the samples' summed
// log-probs and the judged preferences into a loss. The entries are the methods that treat
// preferences as more than a Bradley-Terry reward (self-play, Nash) and the iterative,
// self-rewarding loops that build pairs from the policy's own samples; each lives in its own
// file under prefopt/online_objectives/ with its paper, and adding one is a file and a line in
// RegisterOnlineObjectives().
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::prefopt {

// One batch of on-policy samples as an objective sees it: sample g of prompt p is row (p, g).
struct OnlineBatch {
  torch::Tensor logps;      // [P, G] summed completion log-probs under the trained policy (grad)
  torch::Tensor old_logps;  // [P, G] under the policy that sampled them, pi_t (detached)
  torch::Tensor ref_logps;  // [P, G] under the frozen reference (detached)
  torch::Tensor tokens;     // [P, G] completion lengths in tokens, float
  // [P, G, G] the judge's P(y_i > y_j | x_p): 1/2 on the diagonal, preference + preference^T = 1.
  torch::Tensor preference;
  // [P, G, M] P(y_i > y'_m | x_p) against M samples of the opponent policy (OnlineNeeds); undefined
  // when the objective asks for no opponent.
  torch::Tensor opponent_preference;
  // [P, G] the judge's scalar scores where it has them (a reward model, a task's gold reward);
  // undefined for a judge that only compares (a general preference model, a cyclic task).
  torch::Tensor scores;
};

// What an objective asks of the trainer beyond the policy's own samples.
struct OnlineNeeds {
  int64_t min_group = 2;  // group_size must be at least this
  // Where opponent samples come from: "" none; "reference"; "mixture": the token-level
  // geometric mixture pi^(1 - alpha) pi_ref^alpha, renormalised per token (Nash-MD).
  std::string opponent;
  double mixture_alpha = 0.0;        // alpha of "mixture"
  int64_t opponents_per_prompt = 1;  // M
};

struct OnlineLoss {
  torch::Tensor loss;  // scalar, differentiable in OnlineBatch::logps
  std::vector<std::pair<std::string, double>> metrics;  // figures the run logs, by name
};

class OnlineObjective {
 public:
  virtual ~OnlineObjective() = default;
  virtual OnlineNeeds Needs() const { return {}; }
  virtual OnlineLoss Loss(const OnlineBatch& batch) const = 0;
  virtual std::string Describe() const = 0;
};

using OnlineObjectiveRegistry = Registry<OnlineObjective>;
OnlineObjectiveRegistry& OnlineObjectives();
void RegisterOnlineObjectives();  // safe to call more than once
// An unknown name or key fails listing the valid ones.
std::unique_ptr<OnlineObjective> MakeOnlineObjective(std::string_view spec);

OnlineObjectiveRegistry::Entry OnlineDpoObjective();  // online_objectives/online_dpo.cc
OnlineObjectiveRegistry::Entry WestOfNObjective();    // online_objectives/west_of_n.cc
OnlineObjectiveRegistry::Entry SppoObjective();       // online_objectives/sppo.cc
OnlineObjectiveRegistry::Entry GpoObjective();        // online_objectives/gpo.cc
OnlineObjectiveRegistry::Entry SpoObjective();        // online_objectives/spo.cc
OnlineObjectiveRegistry::Entry InpoObjective();       // online_objectives/inpo.cc
OnlineObjectiveRegistry::Entry DnoObjective();        // online_objectives/dno.cc
OnlineObjectiveRegistry::Entry NashMdObjective();     // online_objectives/nash_md.cc
OnlineObjectiveRegistry::Entry CreamObjective();      // online_objectives/cream.cc
OnlineObjectiveRegistry::Entry RlsfObjective();       // online_objectives/rlsf.cc
OnlineObjectiveRegistry::Entry OspObjective();        // online_objectives/osp.cc

}  // namespace rlab::prefopt
