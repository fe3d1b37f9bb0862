// rlab online-po --model DIR|preset --data task:SPEC [--objective SPEC] [--judge SPEC]
//                [--group-size G] [--steps N] [--seed S] [section.key=value ...]
// The online-po pipeline (online preference optimisation of a language model) from its
// defaults plus these flags; the saved config.yaml replays a run with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddOnlinePoCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "online-po",
                           .pipeline = "online-po",
                           .description = "online preference optimisation of a language model "
                                          "from a judge's comparisons of its samples",
                           .flags = {{"--model", "model"},
                                     {"--data", "data"},
                                     {"--tokenizer", "tokenizer"},
                                     {"--objective", "objective"},
                                     {"--judge", "judge"},
                                     {"--group-size", "group_size"},
                                     {"--steps", "optim.steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "ref_update_every=10"});
}

}  // namespace rlab::cli
