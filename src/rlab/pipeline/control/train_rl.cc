#include "rlab/pipeline/control/train_rl.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/envs/registry.h"
#include "rlab/pipeline/control/episode_window.h"
#include "rlab/reward/signal/reward_specs.h"
#include "rlab/rl/control_agents.h"

namespace rlab::pipeline {

void TrainRlConfig::Validate() const {
  rl::RegisterControlAgents();
  RLAB_CHECK(rl::ControlAgents().Contains(algo), "algo must be {}, got '{}'",
             fmt::join(rl::ControlAgents().List(), " or "), algo);
  RLAB_CHECK(steps >= 1, "steps must be >= 1, got {}", steps);
  RLAB_CHECK(!env.empty(), "env must name an environment");
  WarnAboutRunCadence(run, steps);
}

RlSetup BuildRl(const TrainRlConfig& c, uint64_t run_seed) {
  rl::ControlSetup control = rl::MakeControlAgent(
      c.algo, c.env, rl::ControlAgentOptions{c.ppo, c.sac, c.steps, c.run.blas_threads}, run_seed);
  RlSetup setup;
  setup.env = std::move(control.env);
  setup.agent = std::move(control.agent);
  if (c.reward != "true") {
    reward::RegisterBuiltins();
    const std::shared_ptr<const envs::VectorEnv> probe =
        envs::Make(c.env, 1, DeriveSeed(run_seed, "env"));
    reward::RewardSpecContext context;
    context.true_reward = [probe] { return std::make_shared<reward::EnvReward>(probe); };
    context.obs_dim = probe->obs_dim();
    context.action_dim = probe->action_dim();
    context.gamma = control.gamma;
    setup.reward = rl::TrainingReward(reward::MakeReward(c.reward, context));
  }
  return setup;
}

namespace {

class TrainRl : public ConfiguredPipeline<TrainRlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const auto& cfg = config_;
    RlSetup setup = BuildRl(cfg, cfg.run.seed);
    CheckpointState state;
    setup.agent->AddTo(state);

    int64_t step = 0;
    EpisodeWindow window;
    if (auto counters = ctx.Restore(state)) {
      step = (*counters)["step"];
      window.Restore(*counters, step);
      spdlog::info("resuming at step {}: episodes start afresh, as after every checkpoint", step);
    }
    // The environments' state is not in a checkpoint: a resumed run starts new episodes from a
    // seed of its own, and so does the uninterrupted run after every checkpoint, so that the
    // two stay identical.
    auto begin_episodes = [&] {
      setup.agent->Begin(*setup.env,
                         DeriveSeed(cfg.run.seed, fmt::format("episodes-from-{}", step)));
    };
    begin_episodes();
    spdlog::info("{} on {} ({} parallel), training on {}", cfg.algo, cfg.env, setup.env->num_envs(),
                 setup.reward.Describe());

    auto counters = [&] {
      nlohmann::json c{{"step", step}};
      window.Save(c);
      return c;
    };
    Progress progress("train-rl " + cfg.algo, cfg.steps, cfg.run.progress_seconds);
    MetricList update_metrics;
    while (step < cfg.steps) {
      rl::IterationReport report = setup.agent->Iterate(*setup.env, setup.reward);
      const int64_t before = step;
      step += report.env_steps;
      if (!report.update_metrics.empty()) update_metrics = std::move(report.update_metrics);
      window.Add(report.episodes);
      if (ctx.LogDue(before, step) || step >= cfg.steps) {
        MetricList m = window.Flush(step, !setup.reward.is_environment_reward());
        m.insert(m.end(), update_metrics.begin(), update_metrics.end());
        ctx.metrics().Log(step, m);
      }
      if (ctx.CheckpointDue(before, step) && step < cfg.steps) {
        ctx.Checkpoint(state, counters());
        begin_episodes();
      }
      progress.Update(step, fmt::format("return_last100={:.1f}", window.mean_last100()));
    }
    progress.Finish(
        fmt::format("return_last100={:.1f} episodes={}", window.mean_last100(), window.episodes()));
    ctx.Checkpoint(state, counters());
    const double wall = ctx.wall_seconds();
    return {{"mean_return_last100", window.mean_last100()},
            {"episodes", window.episodes()},
            {"total_steps", step},
            {"steps_per_second", step / std::max(wall, 1e-9)},
            {"env", cfg.env},
            {"algo", cfg.algo}};
  }
};

}  // namespace

PipelineRegistry::Entry TrainRlEntry() {
  return {"train-rl",
          "PPO or SAC on a control environment, against its reward or a reward spec",
          {},
          [](const SpecArgs&) -> std::unique_ptr<Pipeline> { return std::make_unique<TrainRl>(); }};
}

}  // namespace rlab::pipeline
