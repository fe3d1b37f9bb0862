// rlab train-rm --model DIR|preset --data FILE|task:SPEC [--objective SPEC] [--members K]
//               [--steps N] [--seed S] [section.key=value ...]
// rlab eval-rm --model DIR --data FILE|task:SPEC [section.key=value ...]
// The train-rm and eval-rm pipelines from their defaults plus these flags; the saved
// config.yaml replays a run with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddTrainRmCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "train-rm",
                           .pipeline = "train-rm",
                           .description = "train a reward model for text on preference data",
                           .flags = {{"--model", "model"},
                                     {"--data", "data.train"},
                                     {"--eval-data", "data.eval"},
                                     {"--tokenizer", "tokenizer"},
                                     {"--objective", "objective"},
                                     {"--members", "ensemble.members"},
                                     {"--mode", "ensemble.mode"},
                                     {"--max-length", "data.max_length"},
                                     {"--steps", "optim.steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "optim.batch_size=32"});
}

void AddEvalRmCommand(CLI::App& app) {
  CLI::App* cmd = AddPipelineCommand(app, {.name = "eval-rm",
                                           .pipeline = "eval-rm",
                                           .description = "judge a reward model on preference data",
                                           .flags = {{"--model", "model"},
                                                     {"--data", "data"},
                                                     {"--max-length", "max_length"},
                                                     {"--seed", "run.seed"}},
                                           .overrides_example = "truncation=keep_end"});
  cmd->get_option("--model")->required();
  cmd->get_option("--data")->required();
}

}  // namespace rlab::cli
