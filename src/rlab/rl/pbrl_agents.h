// The agents of preference-based RL for control as a registry: "prefppo" and "pebble"
// (rl/prefppo_agent.cc, rl/pebble_agent.cc) wire a control agent (rl/control_agents.h) to the
// learned reward; "cpl" (prefopt/cpl_pbrl_agent.cc) learns its policy from the labelled pairs
// directly. What differs between them is a property or a hook of the agent, which the PbRL
// trainer (rl/pbrl_trainer.h) calls at fixed points of its loop:
//
//   learns_reward_model()  false: no reward ensemble is trained or used to select queries,
//                          LearnFromPreferences trains the policy after every round (CPL)
//   first_round()          step of the first feedback round (PEBBLE: after pre-training)
//   pretraining()          the learned reward is 0 while true (PEBBLE's unsupervised phase)
//   AfterIteration         PEBBLE relabels its replay buffer with the state entropy
//   AfterRewardUpdate      PEBBLE relabels its replay buffer with the learned reward
//   AfterRound             PEBBLE ends pre-training and resets its critics
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rlab/core/metrics.h"
#include "rlab/core/registry.h"
#include "rlab/envs/vector_env.h"
#include "rlab/reward/model/ensemble_reward_model.h"
#include "rlab/rl/agent.h"
#include "rlab/rl/pebble_config.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab {
class TimeSplit;
}
namespace rlab::prefopt {
struct CplConfig;  // read by the cpl entry only (prefopt/cpl.h)
}

namespace rlab::rl {

// The pbrl config's sections an entry reads (each entry reads its own).
struct PbrlAgentOptions {
  std::string env;             // environment spec
  int64_t total_steps = 0;     // environment steps of the run
  int64_t feedback_start = 0;  // feedback.start: the first round unless the agent says otherwise
  uint64_t run_seed = 0;
  int blas_threads = 0;
  const PpoConfig& ppo;
  const SacConfig& sac;
  const PebbleConfig& pebble;
  const prefopt::CplConfig& cpl;
  std::string teacher = "oracle";  // the run's teacher spec (spo asks it to compare episodes)
};

class PbrlAgent {
 public:
  PbrlAgent(std::shared_ptr<envs::VectorEnv> env, std::unique_ptr<Agent> agent);
  virtual ~PbrlAgent();

  const std::shared_ptr<envs::VectorEnv>& env() const { return env_; }
  Agent& agent() { return *agent_; }

  virtual bool learns_reward_model() const { return true; }
  // Discount of the agent's return (EPIC's canonicalisation of the learned reward).
  virtual double gamma() const = 0;
  virtual int64_t first_round() const = 0;
  virtual bool pretraining() const { return false; }
  // PEBBLE's phase, kept in checkpoints: whether pre-training ended with a critic reset.
  virtual bool critics_reset() const { return false; }
  virtual void set_critics_reset(bool) {}

  // After an iteration that took the run from step `before` to `step`.
  virtual void AfterIteration(int64_t before, int64_t step);
  // After the reward model changed; `learned_reward` evaluates it.
  virtual void AfterRewardUpdate(const Agent::RelabelFn& learned_reward);
  // After a feedback round. Returns true when the agent replaced optimiser state: register it
  // with a fresh CheckpointState (Agent::ResetCritics).
  virtual bool AfterRound();
  // Agents without a reward model: trains the policy on every labelled pair so far.
  virtual MetricList LearnFromPreferences(const reward::PreferencePairs& pairs);

  // Where the hooks' time goes (null: not measured).
  void set_timing(TimeSplit* timing) { timing_ = timing; }

 protected:
  TimeSplit* timing_ = nullptr;

 private:
  std::shared_ptr<envs::VectorEnv> env_;
  std::unique_ptr<Agent> agent_;
};

using PbrlAgentRegistry = Registry<PbrlAgent, const PbrlAgentOptions&>;
PbrlAgentRegistry& PbrlAgents();
// Registers prefppo and pebble (cpl is registered by prefopt::RegisterPbrlAgents). Safe to
// call more than once.
void RegisterPbrlAgents();

PbrlAgentRegistry::Entry PrefPpoAgentEntry();
PbrlAgentRegistry::Entry PebbleAgentEntry();
PbrlAgentRegistry::Entry SpoAgentEntry();  // rl/spo_agent.cc

}  // namespace rlab::rl
