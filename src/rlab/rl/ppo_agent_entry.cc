// The control-agent entry "ppo": PPO (rl/ppo.h) with its `auto` settings resolved for the
// environment's action space.
#include "rlab/rl/control_agents.h"
#include "rlab/rl/network_threads.h"
#include "rlab/rl/ppo.h"

namespace rlab::rl {
namespace {

class PpoAgentBuilder final : public ControlAgentBuilder {
 public:
  explicit PpoAgentBuilder(PpoSettings settings) : settings_(std::move(settings)) {}
  int64_t num_envs() const override { return settings_.num_envs; }
  double gamma() const override { return settings_.config.gamma; }
  std::unique_ptr<Agent> Build(const envs::VectorEnv& env, uint64_t seed) const override {
    return MakePpoAgent(settings_, env, seed);
  }

 private:
  PpoSettings settings_;
};

}  // namespace

ControlAgentRegistry::Entry PpoAgentEntry() {
  return {"ppo",
          "PPO (Schulman et al., arXiv:1707.06347) with CleanRL's defaults; settings in ppo.*",
          {},
          [](const SpecArgs&, const ControlAgentOptions& o,
             bool discrete) -> std::unique_ptr<ControlAgentBuilder> {
            PpoSettings s = ResolvePpo(o.ppo, discrete, o.total_steps);
            s.parallel_networks = UseTwoNetworkThreads(o.ppo.hidden, o.blas_threads);
            return std::make_unique<PpoAgentBuilder>(std::move(s));
          }};
}

}  // namespace rlab::rl
