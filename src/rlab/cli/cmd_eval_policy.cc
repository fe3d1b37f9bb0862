// rlab eval-policy RUN_DIR [--episodes 100] [--seed S] [--stochastic]
// Plays whole episodes with the latest checkpoint of a train-rl run; prints the result as
// JSON and saves it as RUN_DIR/eval.json.
#include <cstdio>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/flag_checks.h"
#include "rlab/pipeline/control/policy_eval.h"

namespace rlab::cli {

void AddEvalPolicyCommand(CLI::App& app) {
  auto run_dir = std::make_shared<std::string>();
  auto options = std::make_shared<pipeline::PolicyEvalOptions>();
  auto stochastic = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("eval-policy", "evaluate the policy of a control-rl run");
  cmd->add_option("run_dir", *run_dir, "the run directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--episodes", options->episodes, "episodes to play")
      ->check(AtLeast(1))
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "seed of the evaluation environment")
      ->check(NonNegative())
      ->capture_default_str();
  cmd->add_flag("--stochastic", *stochastic, "sample actions instead of taking the most likely");
  cmd->callback([run_dir, options, stochastic] {
    InitCommandLogging();
    options->deterministic = !*stochastic;
    const nlohmann::json result = pipeline::EvaluatePolicy(*run_dir, *options);
    std::printf("%s\n", result.dump().c_str());
  });
}

}  // namespace rlab::cli
