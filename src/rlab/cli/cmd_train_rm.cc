// rlab train-rm --model DIR|preset --data FILE|task:SPEC [--objective SPEC] [--members K]
//               [--steps N] [--seed S] [section.key=value ...]
// rlab eval-rm --model DIR --data FILE|task:SPEC [section.key=value ...]
// The train-rm and eval-rm pipelines from their defaults plus these flags; the saved
// config.yaml replays a run with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct RmArgs {
  std::string model, data, eval_data, tokenizer, objective, mode;
  int64_t steps = -1, members = -1, max_length = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddTrainRmCommand(CLI::App& app) {
  auto args = std::make_shared<RmArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train-rm", "train a reward model for text on preference data (see `rlab pipelines train-rm`)");
  cmd->add_option("--model", args->model, "backbone: model directory or preset (tiny, small, medium)");
  cmd->add_option("--data", args->data, "preference data: .jsonl/.json (TRL formats) or task:SPEC");
  cmd->add_option("--eval-data", args->eval_data, "held-out preference data file");
  cmd->add_option("--tokenizer", args->tokenizer, "tokenizer (byte, gpt2, a path)");
  cmd->add_option("--objective", args->objective,
                  "bradley_terry, rao_kupper, davidson, plackett_luce, regression, quantile, gpm");
  cmd->add_option("--members", args->members, "ensemble members (1 = a single model)");
  cmd->add_option("--mode", args->mode, "ensemble or warm (weight-averaged members)");
  cmd->add_option("--max-length", args->max_length, "tokens per prompt + response");
  cmd->add_option("--steps", args->steps, "optimiser steps per member (0 = optim.epochs)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (default: 1, OpenBLAS all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as optim.batch_size=32");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("model", args->model);
    flags.Text("data.train", args->data);
    flags.Text("data.eval", args->eval_data);
    flags.Text("tokenizer", args->tokenizer);
    flags.Text("objective", args->objective);
    flags.Text("ensemble.mode", args->mode);
    flags.Count("ensemble.members", args->members);
    flags.Count("data.max_length", args->max_length);
    flags.Count("optim.steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("train-rm", flags, args->overrides, args->threads);
  });
}

void AddEvalRmCommand(CLI::App& app) {
  auto args = std::make_shared<RmArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval-rm", "judge a reward model on preference data (see `rlab pipelines eval-rm`)");
  cmd->add_option("--model", args->model, "reward-model directory (train-rm's <run>/reward_model)")
      ->required();
  cmd->add_option("--data", args->data, "preference data: .jsonl/.json or task:SPEC")->required();
  cmd->add_option("--max-length", args->max_length, "tokens per prompt + response");
  cmd->add_option("--seed", args->seed, "seed of task pairs (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (default: 1, OpenBLAS all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as truncation=keep_end");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("model", args->model);
    flags.Text("data", args->data);
    flags.Count("max_length", args->max_length);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("eval-rm", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
