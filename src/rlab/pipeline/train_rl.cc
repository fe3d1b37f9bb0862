#include "rlab/pipeline/train_rl.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <numeric>

#include "rlab/core/checkpoint.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/threads.h"
#include "rlab/envs/registry.h"
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

double Mean(const std::deque<double>& v) {
  return v.empty() ? std::nan("") : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

class TrainRl : public ConfiguredPipeline<TrainRlConfig> {
 public:
  nlohmann::json Run(RunContext& ctx) override {
    const auto& cfg = config_;
    RlSetup setup = BuildRl(cfg, cfg.run.seed);
    CheckpointState state;
    setup.agent->AddTo(state);

    int64_t step = 0, episodes = 0;
    std::deque<double> last100;  // true returns of the last 100 episodes
    if (auto counters = ctx.Restore(state)) {
      step = (*counters)["step"];
      episodes = (*counters)["episodes"];
      for (double r : (*counters)["last100"]) last100.push_back(r);
      spdlog::info("resuming at step {}: episodes in progress restart", step);
    }
    // A resumed run starts new episodes from a seed of its own.
    setup.agent->Begin(*setup.env, DeriveSeed(cfg.run.seed, fmt::format("episodes-from-{}", step)));
    spdlog::info("{} on {} ({} parallel), training on {}", cfg.algo, cfg.env,
                 setup.env->num_envs(), setup.reward.Describe());

    auto counters = [&] {
      return nlohmann::json{{"step", step},
                            {"episodes", episodes},
                            {"last100", std::vector<double>(last100.begin(), last100.end())}};
    };
    Progress progress("train-rl " + cfg.algo, cfg.steps, cfg.run.progress_seconds);
    // Window sums between metric lines.
    double window_true = 0, window_trained = 0, window_length = 0;
    int64_t window_episodes = 0, window_start_step = step;
    auto window_start = std::chrono::steady_clock::now();
    MetricList update_metrics;
    while (step < cfg.steps) {
      rl::IterationReport report = setup.agent->Iterate(*setup.env, setup.reward);
      const int64_t before = step;
      step += report.env_steps;
      if (!report.update_metrics.empty()) update_metrics = std::move(report.update_metrics);
      for (const rl::EpisodeRecord& e : report.episodes) {
        ++episodes;
        ++window_episodes;
        window_true += e.true_return;
        window_trained += e.trained_return;
        window_length += static_cast<double>(e.length);
        last100.push_back(e.true_return);
        if (last100.size() > 100) last100.pop_front();
      }
      if (ctx.LogDue(before, step) || step >= cfg.steps) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                                             window_start).count();
        const double n = static_cast<double>(window_episodes);
        MetricList m = {{"episodic_return", window_episodes ? window_true / n : std::nan("")},
                        {"episodic_length", window_episodes ? window_length / n : std::nan("")},
                        {"mean_return_last100", Mean(last100)},
                        {"episodes", static_cast<double>(episodes)},
                        {"steps_per_second", (step - window_start_step) / std::max(seconds, 1e-9)}};
        if (!setup.reward.is_environment_reward()) {
          m.emplace_back("trained_return", window_episodes ? window_trained / n : std::nan(""));
        }
        m.insert(m.end(), update_metrics.begin(), update_metrics.end());
        ctx.metrics().Log(step, m);
        window_true = window_trained = window_length = 0;
        window_episodes = 0;
        window_start_step = step;
        window_start = std::chrono::steady_clock::now();
      }
      if (ctx.CheckpointDue(before, step) && step < cfg.steps) {
        ctx.Checkpoint(state, counters());
      }
      progress.Update(step, fmt::format("return_last100={:.1f}", Mean(last100)));
    }
    progress.Finish(fmt::format("return_last100={:.1f} episodes={}", Mean(last100), episodes));
    ctx.Checkpoint(state, counters());
    const double wall = ctx.wall_seconds();
    return {{"mean_return_last100", Mean(last100)},
            {"episodes", episodes},
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
