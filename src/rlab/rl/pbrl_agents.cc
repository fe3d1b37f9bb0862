#include "rlab/rl/pbrl_agents.h"

#include "rlab/core/check.h"

namespace rlab::rl {

void PebbleConfig::Validate() const {
  RLAB_CHECK(pretrain_steps >= 0, "pebble.pretrain_steps must be >= 0, got {}", pretrain_steps);
  RLAB_CHECK(entropy_k >= 1, "pebble.entropy_k must be >= 1, got {}", entropy_k);
  RLAB_CHECK(entropy_relabel_every >= 1, "pebble.entropy_relabel_every must be >= 1, got {}",
             entropy_relabel_every);
}

PbrlAgent::PbrlAgent(std::shared_ptr<envs::VectorEnv> env, std::unique_ptr<Agent> agent)
    : env_(std::move(env)), agent_(std::move(agent)) {}

PbrlAgent::~PbrlAgent() = default;

void PbrlAgent::AfterIteration(int64_t, int64_t) {}

void PbrlAgent::AfterRewardUpdate(const Agent::RelabelFn&) {}

bool PbrlAgent::AfterRound() { return false; }

MetricList PbrlAgent::LearnFromPreferences(const reward::PreferencePairs&) {
  RLAB_CHECK(false, "this PbRL agent learns from a reward model, not from preference pairs");
  return {};
}

PbrlAgentRegistry& PbrlAgents() {
  static PbrlAgentRegistry registry("pbrl agent");
  return registry;
}

void RegisterPbrlAgents() {
  PbrlAgentRegistry& r = PbrlAgents();
  if (!RegisterOnce(r)) return;
  r.Register(PrefPpoAgentEntry());
  r.Register(PebbleAgentEntry());
  r.Register(SpoAgentEntry());
}

}  // namespace rlab::rl
