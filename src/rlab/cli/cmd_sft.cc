// rlab sft --model DIR|preset --data FILE|task:SPEC [--steps N] [--seed S] [section.key=value ...]
// The sft pipeline from its defaults plus these flags; the saved config.yaml replays it with
// `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct SftArgs {
  std::string model, data, eval_data, tokenizer;
  int64_t steps = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddSftCommand(CLI::App& app) {
  auto args = std::make_shared<SftArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sft", "supervised fine-tuning of a language model (see `rlab pipelines sft`)");
  cmd->add_option("--model", args->model, "model directory or preset (tiny, small, medium)");
  cmd->add_option("--data", args->data,
                  "training data: .jsonl/.json (prompt+completion or messages) or task:SPEC");
  cmd->add_option("--eval-data", args->eval_data, "held-out data file");
  cmd->add_option("--tokenizer", args->tokenizer, "tokenizer (byte, gpt2, a path)");
  cmd->add_option("--steps", args->steps, "optimiser steps (0 = optim.epochs)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (default: 1, OpenBLAS all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as optim.batch_size=64");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("model", args->model);
    flags.Text("data.train", args->data);
    flags.Text("data.eval", args->eval_data);
    flags.Text("tokenizer", args->tokenizer);
    flags.Count("optim.steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("sft", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
