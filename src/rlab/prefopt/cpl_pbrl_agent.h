// The PbRL agent "cpl" (rl/pbrl_agents.h): Contrastive Preference Learning (Hejna et al.,
// "Contrastive Preference Learning: Learning from Human Feedback without RL",
// arXiv:2310.13639; prefopt/cpl.h). A policy (categorical, or Gaussian for a box) collects
// behaviour and is trained directly on the labelled pairs after every round, with no reward
// model (queries are chosen uniformly).
#pragma once

#include "rlab/rl/pbrl_agents.h"

namespace rlab::prefopt {

rl::PbrlAgentRegistry::Entry CplPbrlAgentEntry();

// Registers every PbRL agent: rl's (prefppo, pebble) and cpl. Safe to call more than once.
void RegisterPbrlAgents();

}  // namespace rlab::prefopt
