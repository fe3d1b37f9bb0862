#include "rlab/pipeline/train_rl.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/threads.h"
#include "rlab/envs/registry.h"
#include "rlab/pipeline/episode_window.h"
#include "rlab/reward/reward_specs.h"

namespace rlab::pipeline {

void TrainRlConfig::Validate() const {
  RLAB_CHECK(algo == "ppo" || algo == "sac", "algo must be ppo or sac, got '{}'", algo);
  RLAB_CHECK(steps >= 1, "steps must be >= 1, got {}", steps);
  RLAB_CHECK(!env.empty(), "env must name an environment");
}

namespace {

// How the cores are shared: small networks run one network per thread, each with
// single-threaded OpenBLAS; wide ones (>= 128 units) give every core to OpenBLAS instead,
// because its single-threaded kernel is slow at those sizes (docs/benchmarks.md). An
// explicit run.blas_threads is kept.
bool UseTwoNetworkThreads(const std::vector<int64_t>& hidden, int configured_blas_threads) {
  const int64_t widest = hidden.empty() ? 0 : *std::max_element(hidden.begin(), hidden.end());
  const ThreadSettings current = CurrentThreads();
  if (widest >= 128) {
    if (configured_blas_threads == 0) SetBlasThreads(CoreCount());
    return false;
  }
  return current.torch_threads >= 2;
}

}  // namespace

RlSetup BuildRl(const TrainRlConfig& c, uint64_t run_seed) {
  envs::RegisterBuiltins();
  const uint64_t env_seed = DeriveSeed(run_seed, "env");
  const std::shared_ptr<const envs::VectorEnv> probe = envs::Make(c.env, 1, env_seed);
  const bool discrete = probe->action_space().is_discrete();
  RlSetup setup;
  if (c.algo == "ppo") {
    rl::PpoSettings s = rl::ResolvePpo(c.ppo, discrete, c.steps);
    s.parallel_networks = UseTwoNetworkThreads(c.ppo.hidden, c.run.blas_threads);
    setup.env = envs::Make(c.env, s.num_envs, env_seed);
    setup.agent = rl::MakePpoAgent(s, *setup.env, DeriveSeed(run_seed, "agent"));
  } else {
    setup.env = envs::Make(c.env, c.sac.num_envs, env_seed);
    setup.agent = rl::MakeSacAgent(c.sac, *setup.env, c.steps, DeriveSeed(run_seed, "agent"),
                                   UseTwoNetworkThreads(c.sac.hidden, c.run.blas_threads));
  }
  if (c.reward != "true") {
    reward::RegisterBuiltins();
    reward::RewardSpecContext context;
    context.true_reward = [probe] { return std::make_shared<reward::EnvReward>(probe); };
    context.obs_dim = probe->obs_dim();
    context.action_dim = probe->action_dim();
    context.gamma = c.algo == "ppo" ? c.ppo.gamma : c.sac.gamma;
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
      spdlog::info("resuming at step {}: episodes in progress restart", step);
    }
    // A resumed run starts new episodes from a seed of its own.
    setup.agent->Begin(*setup.env, DeriveSeed(cfg.run.seed, fmt::format("episodes-from-{}", step)));
    spdlog::info("{} on {} ({} parallel), training on {}", cfg.algo, cfg.env,
                 setup.env->num_envs(), setup.reward.Describe());

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
      }
      progress.Update(step, fmt::format("return_last100={:.1f}", window.mean_last100()));
    }
    progress.Finish(fmt::format("return_last100={:.1f} episodes={}", window.mean_last100(),
                                window.episodes()));
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
