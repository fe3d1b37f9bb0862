// rlab pbrl --env Pendulum-v1 --algo pebble|prefppo --teacher oracle --feedback 200 --seed 1
//           [section.key=value ...]
// The pbrl pipeline (preference-based RL for control) from its defaults plus these flags; the
// saved config.yaml replays it with `rlab run`.
#include "rlab/cli/commands.h"
#include "rlab/cli/pipeline_command.h"

namespace rlab::cli {

namespace {
struct PbrlArgs {
  std::string env, algo, teacher;
  int64_t feedback = -1;
  int64_t steps = -1;
  int64_t seed = -1;
  int threads = -1;
  std::vector<std::string> overrides;
};
}  // namespace

void AddPbrlCommand(CLI::App& app) {
  auto args = std::make_shared<PbrlArgs>();
  CLI::App* cmd = app.add_subcommand(
      "pbrl", "learn a control task from preferences (see `rlab pipelines pbrl`)");
  cmd->add_option("--env", args->env, "environment spec (default CartPole-v1)");
  cmd->add_option("--algo", args->algo, "prefppo or pebble (cpl is not implemented yet)");
  cmd->add_option("--teacher", args->teacher,
                  "oracle, stochastic, mistake, myopic, skip, equal, scripted(...) or "
                  "file(path=FEEDBACK.jsonl)");
  cmd->add_option("--feedback", args->feedback, "queries asked over the run (default 200)");
  cmd->add_option("--steps", args->steps, "environment steps (default 200000)");
  cmd->add_option("--seed", args->seed, "run seed (default 1)");
  cmd->add_option("--threads", args->threads, "libtorch threads (0 = all cores)");
  cmd->add_option("overrides", args->overrides, "further settings such as feedback.batch=10");
  cmd->callback([args] {
    PipelineOverrides flags;
    flags.Text("env", args->env);
    flags.Text("algo", args->algo);
    flags.Text("teacher", args->teacher);
    flags.Count("feedback.budget", args->feedback);
    flags.Count("steps", args->steps);
    flags.Count("run.seed", args->seed);
    RunPipelineCommand("pbrl", flags, args->overrides, args->threads);
  });
}

}  // namespace rlab::cli
