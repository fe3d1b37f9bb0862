// The PbRL agent "prefppo": PPO trained on the learned reward, which is retrained after every
// feedback round (PrefPPO of Lee et al., "B-Pref: Benchmarking Preference-Based Reinforcement
// Learning", arXiv:2111.03026; Christiano et al., "Deep Reinforcement Learning from Human
// Preferences", arXiv:1706.03741). B-Pref's PrefPPO can also pre-train on state entropy; this
// one does not.
#include "rlab/rl/control_agents.h"
#include "rlab/rl/pbrl_agents.h"

namespace rlab::rl {
namespace {

class PrefPpoAgent final : public PbrlAgent {
 public:
  PrefPpoAgent(ControlSetup setup, int64_t first_round)
      : PbrlAgent(std::move(setup.env), std::move(setup.agent)),
        gamma_(setup.gamma),
        first_round_(first_round) {}
  double gamma() const override { return gamma_; }
  int64_t first_round() const override { return first_round_; }

 private:
  double gamma_;
  int64_t first_round_;
};

}  // namespace

PbrlAgentRegistry::Entry PrefPpoAgentEntry() {
  return {"prefppo",
          "PPO on the learned reward (B-Pref's PrefPPO); settings in ppo.*",
          {},
          [](const SpecArgs&, const PbrlAgentOptions& o) -> std::unique_ptr<PbrlAgent> {
            const ControlAgentOptions control{o.ppo, o.sac, o.total_steps, o.blas_threads};
            return std::make_unique<PrefPpoAgent>(
                MakeControlAgent("ppo", o.env, control, o.run_seed), o.feedback_start);
          }};
}

}  // namespace rlab::rl
