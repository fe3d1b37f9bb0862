// The control-agent entry "sac": soft actor-critic (rl/sac.h) for continuous actions.
#include "rlab/core/config.h"
#include "rlab/rl/control_agents.h"
#include "rlab/rl/network_threads.h"
#include "rlab/rl/sac.h"

namespace rlab::rl {
namespace {

class SacAgentBuilder final : public ControlAgentBuilder {
 public:
  SacAgentBuilder(const SacConfig& config, int64_t total_steps, bool parallel_networks)
      : config_(config), total_steps_(total_steps), parallel_networks_(parallel_networks) {
    if (total_steps <= config.learning_starts) {
      config::Warn(fmt::format(
          "sac.learning_starts is {}, not below the run's {} steps: the agent acts at random "
          "for the whole run and never learns; lower sac.learning_starts or raise steps",
          config.learning_starts, total_steps));
    }
  }
  int64_t num_envs() const override { return config_.num_envs; }
  double gamma() const override { return config_.gamma; }
  std::unique_ptr<Agent> Build(const envs::VectorEnv& env, uint64_t seed) const override {
    return MakeSacAgent(config_, env, total_steps_, seed, parallel_networks_);
  }

 private:
  SacConfig config_;
  int64_t total_steps_;
  bool parallel_networks_;
};

}  // namespace

ControlAgentRegistry::Entry SacAgentEntry() {
  return {"sac",
          "soft actor-critic (Haarnoja et al., arXiv:1812.05905) with CleanRL's defaults; "
          "settings in sac.*",
          {},
          [](const SpecArgs&, const ControlAgentOptions& o,
             bool) -> std::unique_ptr<ControlAgentBuilder> {
            return std::make_unique<SacAgentBuilder>(
                o.sac, o.total_steps, UseTwoNetworkThreads(o.sac.hidden, o.blas_threads));
          }};
}

}  // namespace rlab::rl
