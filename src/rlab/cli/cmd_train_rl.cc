// rlab train-rl --env CartPole-v1 --algo ppo --steps 500000 --seed 1 [section.key=value ...]
// The train-rl pipeline from its defaults plus these flags; the saved config.yaml replays it
// with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct TrainRlArgs {
  std::string env, algo, reward;
  int64_t steps = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddTrainRlCommand(CLI::App& app) {
  auto args = std::make_shared<TrainRlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train-rl", "train PPO or SAC on a control environment (see `rlab pipelines train-rl`)");
  cmd->add_option("--env", args->env, "environment spec (default CartPole-v1)");
  cmd->add_option("--algo", args->algo, "ppo or sac (default ppo)");
  cmd->add_option("--steps", args->steps, "environment steps (default 500000)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--reward", args->reward, "reward to train on: true or a reward spec");
  cmd->add_option("--threads", args->threads, "libtorch threads (0 = all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as ppo.num_envs=8");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("env", args->env);
    flags.Text("algo", args->algo);
    flags.Text("reward", args->reward);
    flags.Count("steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("train-rl", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
