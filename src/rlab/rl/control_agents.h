// Control agents as a registry: "ppo" (rl/ppo.h) and "sac" (rl/sac.h), one entry each
// (rl/ppo_agent_entry.cc, rl/sac_agent_entry.cc). An entry resolves its settings for the
// environment's action space into a ControlAgentBuilder, which answers how many parallel
// environments the agent steps and its discount, and builds the agent on the environment.
// Adding an agent is one entry file and one registration line in RegisterControlAgents().
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/envs/vector_env.h"
#include "rlab/rl/agent.h"
#include "rlab/rl/ppo.h"
#include "rlab/rl/sac.h"

namespace rlab::rl {

// The settings sections an entry reads (each entry reads its own).
struct ControlAgentOptions {
  const PpoConfig& ppo;
  const SacConfig& sac;
  int64_t total_steps = 0;  // environment steps of the run (learning-rate annealing, buffer size)
  int blas_threads = 0;     // run.blas_threads as configured (0 = auto)
};

class ControlAgentBuilder {
 public:
  virtual ~ControlAgentBuilder() = default;
  virtual int64_t num_envs() const = 0;  // parallel environments the agent steps
  virtual double gamma() const = 0;      // discount of the return the agent maximises
  virtual std::unique_ptr<Agent> Build(const envs::VectorEnv& env, uint64_t seed) const = 0;
};

// Factories receive the options and whether the action space is discrete.
using ControlAgentRegistry = Registry<ControlAgentBuilder, const ControlAgentOptions&, bool>;
ControlAgentRegistry& ControlAgents();
void RegisterControlAgents();  // safe to call more than once

ControlAgentRegistry::Entry PpoAgentEntry();
ControlAgentRegistry::Entry SacAgentEntry();

// An environment and the agent `algo` builds on it: the environment is `env_spec` with the
// agent's number of parallel copies, seeded from DeriveSeed(run_seed, "env"); the agent is
// seeded from DeriveSeed(run_seed, "agent").
struct ControlSetup {
  std::shared_ptr<envs::VectorEnv> env;
  std::unique_ptr<Agent> agent;
  double gamma = 0.99;
};
ControlSetup MakeControlAgent(std::string_view algo, std::string_view env_spec,
                              const ControlAgentOptions& options, uint64_t run_seed);

}  // namespace rlab::rl
