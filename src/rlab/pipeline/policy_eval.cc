#include "rlab/pipeline/policy_eval.h"

#include <cmath>

#include "rlab/core/checkpoint.h"
#include "rlab/core/config.h"
#include "rlab/core/io.h"
#include "rlab/core/progress.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/envs/registry.h"
#include "rlab/pipeline/runner.h"
#include "rlab/pipeline/train_rl.h"

namespace rlab::pipeline {

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

  envs::RegisterBuiltins();
  const auto env = envs::Make(cfg.env, 1, o.seed);
  Rng rng(DeriveSeed(o.seed, "eval-actions"));
  std::vector<double> returns;
  double length_sum = 0;
  std::vector<float> actions;
  const envs::StepBuffers* b = &env->Reset(o.seed);
  Progress progress("eval-policy", o.episodes);
  while (static_cast<int64_t>(returns.size()) < o.episodes) {
    setup.agent->Act(b->observations, 1, o.deterministic, rng, actions);
    b = env->action_space().is_discrete()
            ? &env->Step(std::vector<int64_t>{static_cast<int64_t>(actions[0])})
            : &env->Step(std::span<const float>(actions));
    if (b->done[0]) {
      returns.push_back(b->episode_returns[0]);
      length_sum += static_cast<double>(b->episode_lengths[0]);
      progress.Update(static_cast<int64_t>(returns.size()));
    }
  }
  double mean = 0, lo = returns[0], hi = returns[0];
  for (double r : returns) {
    mean += r / returns.size();
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  double var = 0;
  for (double r : returns) var += (r - mean) * (r - mean) / returns.size();
  progress.Finish(fmt::format("mean_return={:.2f}", mean));
  nlohmann::json result = {{"episodes", o.episodes},
                           {"mean_return", mean},
                           {"std_return", std::sqrt(var)},
                           {"min_return", lo},
                           {"max_return", hi},
                           {"mean_length", length_sum / returns.size()},
                           {"deterministic", o.deterministic},
                           {"seed", o.seed},
                           {"checkpoint_step", (*counters)["step"]},
                           {"env", cfg.env}};
  WriteFileAtomic(dir.path() / "eval.json", result.dump(2) + "\n");
  return result;
}

}  // namespace rlab::pipeline
