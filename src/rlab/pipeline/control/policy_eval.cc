#include "rlab/pipeline/control/policy_eval.h"

#include <algorithm>
#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/config.h"
#include "rlab/core/io.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/envs/registry.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/pipeline/control/train_rl.h"
#include "rlab/rl/agent.h"

namespace rlab::pipeline {

PolicyFn AgentPolicy(rl::Agent& agent, bool deterministic, Rng& rng) {
  return [&agent, deterministic, &rng](std::span<const float> obs, int64_t n,
                                       std::vector<float>& actions) {
    agent.Act(obs, n, deterministic, rng, actions);
  };
}

PolicyFn UniformRandomPolicy(std::string_view env_spec, Rng& rng) {
  envs::RegisterBuiltins();
  const envs::Space space = envs::Make(env_spec, 1, 0)->action_space();
  return [space, &rng](std::span<const float>, int64_t n, std::vector<float>& actions) {
    const int64_t a = space.flat_dim();
    actions.resize(n * a);
    for (int64_t i = 0; i < n * a; ++i) {
      actions[i] = space.is_discrete()
                       ? static_cast<float>(rng.UniformInt(space.n()))
                       : static_cast<float>(rng.Uniform(space.low()[i % a], space.high()[i % a]));
    }
  };
}

double EpisodeStats::mean() const {
  double m = 0;
  for (double r : returns) m += r / static_cast<double>(returns.size());
  return m;
}

double EpisodeStats::std() const {
  const double m = mean();
  double var = 0;
  for (double r : returns) var += (r - m) * (r - m) / static_cast<double>(returns.size());
  return std::sqrt(var);
}

EpisodeStats PlayEpisodes(std::string_view env_spec, int64_t episodes, uint64_t seed,
                          const PolicyFn& policy) {
  RLAB_CHECK(episodes >= 1, "episodes to evaluate must be >= 1, got {}", episodes);
  envs::RegisterBuiltins();
  const auto env = envs::Make(env_spec, 1, seed);
  EpisodeStats stats;
  double length_sum = 0;
  std::vector<float> actions;
  const envs::StepBuffers* b = &env->Reset(seed);
  Progress progress("evaluation", episodes);
  while (static_cast<int64_t>(stats.returns.size()) < episodes) {
    policy(b->observations, 1, actions);
    b = env->action_space().is_discrete()
            ? &env->Step(std::vector<int64_t>{static_cast<int64_t>(actions[0])})
            : &env->Step(std::span<const float>(actions));
    if (b->done[0]) {
      stats.returns.push_back(b->episode_returns[0]);
      length_sum += static_cast<double>(b->episode_lengths[0]);
      progress.Update(static_cast<int64_t>(stats.returns.size()));
    }
  }
  stats.mean_length = length_sum / static_cast<double>(episodes);
  progress.Finish(fmt::format("mean_return={:.2f}", stats.mean()));
  return stats;
}

nlohmann::json EvaluatePolicy(const std::filesystem::path& run_dir, const PolicyEvalOptions& o) {
  RLAB_CHECK(o.episodes >= 1, "--episodes must be >= 1, got {}", o.episodes);
  const RunDir dir = RunDir::Open(run_dir);
  const std::string config_path = dir.config_path().string();
  const std::string name = PipelineNameOf(config_path);
  RLAB_CHECK(name == "train-rl", "{}: eval-policy needs a train-rl run, this one is '{}'",
             run_dir.string(), name);
  TrainRlConfig cfg;
  config::FieldTable table = config::FieldTable::Of(cfg);
  table.ApplyYamlFile(config_path, {"pipeline"});
  table.Validate();

  RlSetup setup = BuildRl(cfg, cfg.run.seed);
  CheckpointState state;
  setup.agent->AddTo(state);
  state.IncludeTorchRng(false);
  const CheckpointManager checkpoints(dir.checkpoints_dir());
  const auto counters = checkpoints.RestoreLatest(state);
  RLAB_CHECK(counters.has_value(), "{}: no checkpoint to evaluate (the run saved none yet)",
             run_dir.string());

  Rng rng(DeriveSeed(o.seed, "eval-actions"));
  const EpisodeStats stats =
      PlayEpisodes(cfg.env, o.episodes, o.seed, AgentPolicy(*setup.agent, o.deterministic, rng));
  const std::vector<double>& returns = stats.returns;
  const double mean = stats.mean();
  const double lo = *std::min_element(returns.begin(), returns.end());
  const double hi = *std::max_element(returns.begin(), returns.end());
  nlohmann::json result = {{"episodes", o.episodes},
                           {"mean_return", mean},
                           {"std_return", stats.std()},
                           {"min_return", lo},
                           {"max_return", hi},
                           {"mean_length", stats.mean_length},
                           {"deterministic", o.deterministic},
                           {"seed", o.seed},
                           {"checkpoint_step", (*counters)["step"]},
                           {"env", cfg.env}};
  WriteFileAtomic(dir.path() / "eval.json", result.dump(2) + "\n");
  return result;
}

}  // namespace rlab::pipeline
