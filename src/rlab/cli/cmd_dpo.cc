// rlab dpo --model DIR|preset --data FILE|task:SPEC [--loss-type NAME[,NAME...]] [--beta B]
//          [--ref-model DIR] [--steps N] [--seed S] [section.key=value ...]
// The dpo pipeline from its defaults plus these flags; the saved config.yaml replays a run
// with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct DpoArgs {
  std::string model, ref_model, data, eval_data, tokenizer, loss_type, beta;
  int64_t steps = -1, max_length = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddDpoCommand(CLI::App& app) {
  auto args = std::make_shared<DpoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "dpo", "direct preference optimisation of a language model (see `rlab pipelines dpo`)");
  cmd->add_option("--model", args->model, "policy: model directory or preset");
  cmd->add_option("--ref-model", args->ref_model, "reference model directory (default: --model)");
  cmd->add_option("--data", args->data,
                  "preference data: .jsonl/.json (TRL formats; unpaired with 'label' for kto) or "
                  "task:SPEC");
  cmd->add_option("--eval-data", args->eval_data, "held-out data file");
  cmd->add_option("--tokenizer", args->tokenizer, "tokenizer (byte, gpt2, a path)");
  cmd->add_option("--loss-type", args->loss_type,
                  "sigmoid, robust, hinge, ipo, rpo, apo_zero, simpo, orpo (a comma-separated "
                  "list combines them; see loss_weights), kto or pro");
  cmd->add_option("--beta", args->beta, "beta of the losses (default 0.1)");
  cmd->add_option("--max-length", args->max_length, "tokens per prompt + response");
  cmd->add_option("--steps", args->steps, "optimiser steps (0 = optim.epochs)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (default: 1, OpenBLAS all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as optim.batch_size=32");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("model", args->model);
    flags.Text("ref_model", args->ref_model);
    flags.Text("data.train", args->data);
    flags.Text("data.eval", args->eval_data);
    flags.Text("tokenizer", args->tokenizer);
    if (!args->loss_type.empty()) flags.Text("loss_type", "[" + args->loss_type + "]");
    flags.Text("beta", args->beta);
    flags.Count("data.max_length", args->max_length);
    flags.Count("optim.steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("dpo", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
