// The PbRL agent "spo": self-play preference optimisation for control (Swamy et al., "A
// Minimaximalist Approach to Reinforcement Learning from Human Feedback", arXiv:2401.04056).
// PPO (settings in ppo.*) maximises each episode's win rate against the policy's recent
// episodes, judged by the run's teacher (rl/self_play_reward_env.h), instead of a learned
// reward: no reward model is trained, no feedback round is held (the PbRL trainer's learned
// reward and feedback.* go unused), and every finished episode costs up to `queue` queries,
// counted in spo/queries (those of the iteration). The win rate is paid at the episode's last
// step, so ppo.gamma = 1 suits it: with gamma < 1 a longer episode's payment is discounted
// more, which works against episodes that win by lasting (CartPole-v1, 200k steps, seed 1:
// gold return 146 with gamma 0.99, 355 with 1). Begin() (the start of a run and every checkpoint, in an uninterrupted run
// as in a resumed one) empties the queue, so a resumed run repeats the uninterrupted one.
#include <fmt/format.h>

#include <limits>
#include <numeric>

#include "rlab/core/checkpoint.h"
#include "rlab/feedback/teacher_registry.h"
#include "rlab/rl/control_agents.h"
#include "rlab/rl/pbrl_agents.h"
#include "rlab/rl/self_play_reward_env.h"

namespace rlab::rl {
namespace {

// The control agent stepping the environment through the win-rate wrapper, on its rewards.
class SelfPlayAgent final : public Agent {
 public:
  SelfPlayAgent(std::unique_ptr<Agent> inner, std::shared_ptr<const feedback::Teacher> teacher,
                int64_t queue_size, uint64_t seed)
      : inner_(std::move(inner)),
        teacher_(std::move(teacher)),
        queue_size_(queue_size),
        rng_(seed) {}

  void AddTo(CheckpointState& state) override {
    inner_->AddTo(state);
    state.AddRng("spo_teacher", &rng_);
  }
  void Begin(envs::VectorEnv& env, uint64_t seed) override {
    wrapped_.reset();  // a fresh queue: what a resumed run starts from too
    inner_->Begin(Wrapped(env), seed);
  }
  // `reward` (the PbRL trainer's learned reward) is not used: the wrapper's rewards are.
  IterationReport Iterate(envs::VectorEnv& env, const TrainingReward&) override {
    SelfPlayRewardEnv& wrapped = Wrapped(env);
    const int64_t asked_before = wrapped.counts().asked;
    IterationReport report = inner_->Iterate(wrapped, TrainingReward());
    const std::vector<double> win_rates = wrapped.TakeWinRates();
    if (!win_rates.empty()) {
      report.update_metrics.emplace_back("spo/win_rate",
                                         std::accumulate(win_rates.begin(), win_rates.end(), 0.0) /
                                             static_cast<double>(win_rates.size()));
    }
    report.update_metrics.emplace_back("spo/queries",
                                       static_cast<double>(wrapped.counts().asked - asked_before));
    return report;
  }
  void Act(std::span<const float> obs, int64_t n, bool deterministic, Rng& rng,
           std::vector<float>& actions) override {
    inner_->Act(obs, n, deterministic, rng, actions);
  }

 private:
  SelfPlayRewardEnv& Wrapped(envs::VectorEnv& env) {
    if (!wrapped_ || &wrapped_->inner() != &env) {
      wrapped_ = std::make_unique<SelfPlayRewardEnv>(env, teacher_, queue_size_, rng_);
    }
    return *wrapped_;
  }

  std::unique_ptr<Agent> inner_;
  std::shared_ptr<const feedback::Teacher> teacher_;
  int64_t queue_size_;
  Rng rng_;
  std::unique_ptr<SelfPlayRewardEnv> wrapped_;
};

class SpoPbrlAgent final : public PbrlAgent {
 public:
  SpoPbrlAgent(std::shared_ptr<envs::VectorEnv> env, std::unique_ptr<Agent> agent, double gamma)
      : PbrlAgent(std::move(env), std::move(agent)), gamma_(gamma) {}
  bool learns_reward_model() const override { return false; }
  double gamma() const override { return gamma_; }
  // No feedback round: the agent asks its own teacher after every episode.
  int64_t first_round() const override { return std::numeric_limits<int64_t>::max(); }

 private:
  double gamma_;
};

}  // namespace

PbrlAgentRegistry::Entry SpoAgentEntry() {
  return {"spo",
          "SPO: PPO on each episode's win rate against the policy's recent episodes, judged by "
          "a teacher; no reward model; settings in ppo.*",
          {{"queue", "16", "recent episodes each finished episode is compared with"}},
          [](const SpecArgs& a, const PbrlAgentOptions& o) -> std::unique_ptr<PbrlAgent> {
            const ControlAgentOptions control{o.ppo, o.sac, o.total_steps, o.blas_threads};
            ControlSetup setup = MakeControlAgent("ppo", o.env, control, o.run_seed);
            std::shared_ptr<const feedback::Teacher> teacher = feedback::MakeTeacher(o.teacher);
            auto agent = std::make_unique<SelfPlayAgent>(std::move(setup.agent), std::move(teacher),
                                                         a.Get<int64_t>("queue"),
                                                         DeriveSeed(o.run_seed, "spo_teacher"));
            return std::make_unique<SpoPbrlAgent>(std::move(setup.env), std::move(agent),
                                                  setup.gamma);
          }};
}

}  // namespace rlab::rl
