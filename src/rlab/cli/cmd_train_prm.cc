// rlab train-prm [--model DIR|preset] --data FILE|task:SPEC [--supervision step|outcome]
//                [--steps N] [--seed S] [section.key=value ...]
// The train-prm pipeline (a process reward model from step data) from its defaults plus these
// flags; `rlab eval-rm --model <run>/reward_model --data task:chain` judges the result.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddTrainPrmCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "train-prm",
                           .pipeline = "train-prm",
                           .description = "train a process reward model on step-labelled data",
                           .flags = {{"--model", "model"},
                                     {"--data", "data.train"},
                                     {"--eval-data", "data.eval"},
                                     {"--tokenizer", "tokenizer"},
                                     {"--supervision", "supervision"},
                                     {"--max-length", "data.max_length"},
                                     {"--steps", "optim.steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "optim.batch_size=64"});
}

}  // namespace rlab::cli
