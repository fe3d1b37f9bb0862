// rlab pbrl --env Pendulum-v1 --algo pebble|prefppo|cpl --teacher oracle --feedback 200 --seed 1
//           [section.key=value ...]
// The pbrl pipeline (preference-based RL for control) from its defaults plus these flags; the
// saved config.yaml replays it with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

void AddPbrlCommand(CLI::App& app) {
  AddPipelineCommand(app, {.name = "pbrl",
                           .pipeline = "pbrl",
                           .description = "learn a control task from preferences",
                           .flags = {{"--env", "env"},
                                     {"--algo", "algo"},
                                     {"--teacher", "teacher"},
                                     {"--feedback", "feedback.budget"},
                                     {"--steps", "steps"},
                                     {"--seed", "run.seed"}},
                           .overrides_example = "feedback.batch=10"});
}

}  // namespace rlab::cli
