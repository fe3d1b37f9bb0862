// rlab dpo --model DIR|preset --data FILE|task:SPEC [--loss-type NAME[,NAME...]] [--beta B]
//          [--ref-model DIR] [--steps N] [--seed S] [section.key=value ...]
// The dpo pipeline from its defaults plus these flags; the saved config.yaml replays a run
// with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddDpoCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "dpo",
                           .pipeline = "dpo",
                           .description = "direct preference optimisation of a language model",
                           .flags = {{"--model", "model"},
                                     {"--ref-model", "ref_model"},
                                     {"--data", "data.train"},
                                     {"--eval-data", "data.eval"},
                                     {"--tokenizer", "tokenizer"},
                                     {"--loss-type", "loss_type"},
                                     {"--beta", "beta"},
                                     {"--max-length", "data.max_length"},
                                     {"--steps", "optim.steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "optim.batch_size=32"});
}

}  // namespace rlab::cli
