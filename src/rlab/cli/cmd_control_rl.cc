// rlab control-rl --env CartPole-v1 --algo ppo --steps 500000 --seed 1 [section.key=value ...]
// (also spelled `rlab train-rl`)
// The train-rl pipeline (reinforcement learning on a control environment) from its defaults
// plus these flags; the saved config.yaml replays it with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddControlRlCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "control-rl",
                           .alias = "train-rl",
                           .pipeline = "train-rl",
                           .description = "train PPO or SAC on a control environment",
                           .flags = {{"--env", "env"},
                                     {"--algo", "algo"},
                                     {"--steps", "steps"},
                                     {"--seed", "run.seed"},
                                     {"--reward", "reward"}},
                           .overrides_example = "ppo.num_envs=8"});
}

}  // namespace rlab::cli
