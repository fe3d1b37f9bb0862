#include "rlab/prefopt/cpl_pbrl_agent.h"

#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"
#include "rlab/prefopt/cpl.h"

namespace rlab::prefopt {
namespace {

class CplPbrlAgent final : public rl::PbrlAgent {
 public:
  CplPbrlAgent(std::shared_ptr<envs::VectorEnv> env, std::unique_ptr<CplAgent> agent, double gamma,
               int64_t first_round)
      : rl::PbrlAgent(std::move(env), std::move(agent)), gamma_(gamma), first_round_(first_round) {}

  bool learns_reward_model() const override { return false; }
  double gamma() const override { return gamma_; }
  int64_t first_round() const override { return first_round_; }
  MetricList LearnFromPreferences(const reward::PreferencePairs& pairs) override {
    // The base holds the CplAgent this object was built with.
    return static_cast<CplAgent&>(agent()).TrainOnPreferences(pairs);
  }

 private:
  double gamma_;
  int64_t first_round_;
};

}  // namespace

rl::PbrlAgentRegistry::Entry CplPbrlAgentEntry() {
  return {"cpl",
          "Contrastive Preference Learning: no reward model; settings in cpl.*",
          {},
          [](const SpecArgs&, const rl::PbrlAgentOptions& o) -> std::unique_ptr<rl::PbrlAgent> {
            envs::RegisterBuiltins();
            std::shared_ptr<envs::VectorEnv> env =
                envs::Make(o.env, o.cpl.num_envs, DeriveSeed(o.run_seed, "env"));
            auto agent = MakeCplAgent(o.cpl, *env, DeriveSeed(o.run_seed, "agent"));
            return std::make_unique<CplPbrlAgent>(std::move(env), std::move(agent), o.cpl.gamma,
                                                  o.feedback_start);
          }};
}

void RegisterPbrlAgents() {
  rl::RegisterPbrlAgents();
  rl::PbrlAgentRegistry& r = rl::PbrlAgents();
  if (!r.Contains("cpl")) r.Register(CplPbrlAgentEntry());
}

}  // namespace rlab::prefopt
