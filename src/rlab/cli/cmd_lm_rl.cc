// rlab lm-rl --algo grpo|dr_grpo|dapo|rloo|reinforce_pp|bnpo|ppo|bon --model DIR|preset
//            --data task:SPEC [--reward SPEC[,SPEC...]] [--steps N] [--seed S]
//            [section.key=value ...]
// (also spelled `rlab rl`)
// The rl pipeline (online RL of a language model) from its defaults plus these flags; the
// saved config.yaml replays a run with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddLmRlCommand(CLI::App& app) {
  AddPipelineCommand(app,
                     {.name = "lm-rl",
                      .alias = "rl",
                      .pipeline = "rl",
                      .description = "online RL of a language model from rewards of its samples",
                      .flags = {{"--algo", "algo"},
                                {"--model", "model"},
                                {"--data", "data"},
                                {"--tokenizer", "tokenizer"},
                                {"--reward", "reward"},
                                {"--group-size", "group_size"},
                                {"--steps", "optim.steps"},
                                {"--seed", "run.seed"}},
                      .overrides_example = "kl_controller=..."});
}

}  // namespace rlab::cli
