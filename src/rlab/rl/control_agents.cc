#include "rlab/rl/control_agents.h"

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"

namespace rlab::rl {

ControlAgentRegistry& ControlAgents() {
  static ControlAgentRegistry registry("control agent");
  return registry;
}

void RegisterControlAgents() {
  ControlAgentRegistry& r = ControlAgents();
  if (!RegisterOnce(r)) return;
  r.Register(PpoAgentEntry());
  r.Register(SacAgentEntry());
}

ControlSetup MakeControlAgent(std::string_view algo, std::string_view env_spec,
                              const ControlAgentOptions& options, uint64_t run_seed) {
  envs::RegisterBuiltins();
  RegisterControlAgents();
  const uint64_t env_seed = DeriveSeed(run_seed, "env");
  const bool discrete = envs::Make(env_spec, 1, env_seed)->action_space().is_discrete();
  const std::unique_ptr<ControlAgentBuilder> builder =
      ControlAgents().Create(algo, options, discrete);
  ControlSetup setup;
  setup.env = envs::Make(env_spec, builder->num_envs(), env_seed);
  setup.agent = builder->Build(*setup.env, DeriveSeed(run_seed, "agent"));
  setup.gamma = builder->gamma();
  return setup;
}

}  // namespace rlab::rl
