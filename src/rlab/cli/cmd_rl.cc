// rlab rl --algo grpo|dr_grpo|dapo|rloo|reinforce_pp|bnpo|bon --model DIR|preset --data task:SPEC
//         [--reward SPEC[,SPEC...]] [--steps N] [--seed S] [section.key=value ...]
// The rl pipeline (online RL of a language model) from its defaults plus these flags; the
// saved config.yaml replays a run with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct RlArgs {
  std::string algo, model, data, tokenizer, reward;
  int64_t steps = -1, group_size = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddRlCommand(CLI::App& app) {
  auto args = std::make_shared<RlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "rl", "online RL of a language model from rewards of its samples (see `rlab pipelines rl`)");
  cmd->add_option("--algo", args->algo, "grpo, dr_grpo, dapo, rloo, reinforce_pp, bnpo or bon");
  cmd->add_option("--model", args->model, "policy: model directory or preset");
  cmd->add_option("--data", args->data, "prompts: task:SPEC, e.g. task:arithmetic(digits=2)");
  cmd->add_option("--tokenizer", args->tokenizer, "tokenizer (byte, gpt2, a path)");
  cmd->add_option("--reward", args->reward,
                  "reward sources, comma-separated: task, exact_match, format(regex=..), "
                  "model(path=DIR, aggregate=mean|wco|uwo)");
  cmd->add_option("--group-size", args->group_size, "completions per prompt");
  cmd->add_option("--steps", args->steps, "rollout batches (optimiser steps)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (default: 1, OpenBLAS all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as kl_controller=...");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("algo", args->algo);
    flags.Text("model", args->model);
    flags.Text("data", args->data);
    flags.Text("tokenizer", args->tokenizer);
    if (!args->reward.empty()) flags.Text("reward", "[" + args->reward + "]");
    flags.Count("group_size", args->group_size);
    flags.Count("optim.steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("rl", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
