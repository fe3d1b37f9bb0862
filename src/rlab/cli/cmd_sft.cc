// rlab sft --model DIR|preset --data FILE|task:SPEC [--steps N] [--seed S] [section.key=value ...]
// The sft pipeline from its defaults plus these flags; the saved config.yaml replays it with
// `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddSftCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "sft",
                           .pipeline = "sft",
                           .description = "supervised fine-tuning of a language model",
                           .flags = {{"--model", "model"},
                                     {"--data", "data.train"},
                                     {"--eval-data", "data.eval"},
                                     {"--tokenizer", "tokenizer"},
                                     {"--steps", "optim.steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "optim.batch_size=64"});
}

}  // namespace rlab::cli
