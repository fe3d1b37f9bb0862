// The PbRL agent "pebble" (Lee, Smith, Abbeel, "PEBBLE: Feedback-Efficient Interactive
// Reinforcement Learning via Relabeling Experience and Unsupervised Pre-training",
// arXiv:2106.05091): SAC takes sac.learning_starts steps of random actions, then trains on the
// k-nearest-neighbour state-entropy reward (reward/signal/state_entropy.h) until
// pebble.pretrain_steps; the first feedback round then ends pre-training and resets the
// critics, and from then on the whole replay buffer is relabelled with the learned reward
// after every reward update.
#include <torch/torch.h>

#include "rlab/core/time_split.h"
#include "rlab/reward/signal/state_entropy.h"
#include "rlab/rl/control_agents.h"
#include "rlab/rl/pbrl_agents.h"

namespace rlab::rl {
namespace {

class PebbleAgent final : public PbrlAgent {
 public:
  PebbleAgent(ControlSetup setup, const PebbleConfig& config)
      : PbrlAgent(std::move(setup.env), std::move(setup.agent)),
        gamma_(setup.gamma),
        config_(config) {
    config_.Validate();
  }
  double gamma() const override { return gamma_; }
  int64_t first_round() const override { return config_.pretrain_steps; }
  bool pretraining() const override { return !critics_reset_; }
  bool critics_reset() const override { return critics_reset_; }
  void set_critics_reset(bool reset) override { critics_reset_ = reset; }

  void AfterIteration(int64_t before, int64_t step) override {
    if (!pretraining()) return;
    // The unsupervised phase: the buffer's rewards are the state entropy of its next
    // observations against all the others.
    const int64_t every = config_.entropy_relabel_every;
    if (before / every == step / every) return;
    const TimeSplit::Measure measure(timing_, "state_entropy");
    const reward::StateEntropyOptions entropy{.k = config_.entropy_k};
    agent().RelabelReplay([&](const torch::Tensor&, const torch::Tensor&, const torch::Tensor& n) {
      return n.size(0) > entropy.k ? reward::StateEntropyRewards(n, entropy)
                                   : torch::zeros({n.size(0)}, torch::kDouble);
    });
  }

  void AfterRewardUpdate(const Agent::RelabelFn& learned_reward) override {
    const TimeSplit::Measure relabelling(timing_, "relabelling");
    agent().RelabelReplay(learned_reward);
  }

  bool AfterRound() override {
    if (critics_reset_) return false;
    critics_reset_ = true;
    agent().ResetCritics();
    return true;
  }

 private:
  double gamma_;
  PebbleConfig config_;
  bool critics_reset_ = false;
};

}  // namespace

PbrlAgentRegistry::Entry PebbleAgentEntry() {
  return {"pebble",
          "SAC with unsupervised pre-training and replay relabelling (PEBBLE); settings in "
          "sac.* and pebble.*",
          {},
          [](const SpecArgs&, const PbrlAgentOptions& o) -> std::unique_ptr<PbrlAgent> {
            const ControlAgentOptions control{o.ppo, o.sac, o.total_steps, o.blas_threads};
            return std::make_unique<PebbleAgent>(
                MakeControlAgent("sac", o.env, control, o.run_seed), o.pebble);
          }};
}

}  // namespace rlab::rl
