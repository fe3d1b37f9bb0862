// rlab overopt CONFIG.yaml [--seed S] [--defences a,b,...] [section.key=value ...]
// rlab overopt --resume RUN_DIR
// The overoptimisation lab (pipeline/lab/overopt.h): a config whose pipeline is overopt, with
// flags for what a sweep changes most, the seed and the defences; a flag that is given
// replaces the config file's value.
#include <cstdio>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/config_flags.h"
#include "rlab/core/check.h"
#include "rlab/pipeline/run/runner.h"

namespace rlab::cli {

namespace {
struct OveroptArgs {
  std::string config, resume;
  std::vector<std::string> overrides;
};
}  // namespace

void AddOveroptCommand(CLI::App& app) {
  auto args = std::make_shared<OveroptArgs>();
  CLI::App* cmd = app.add_subcommand(
      "overopt", "the overoptimisation lab: does a defence against reward hacking work? "
                 "(see `rlab pipelines overopt`)");
  cmd->add_option("config", args->config, "lab config (YAML, pipeline: overopt)")
      ->check(CLI::ExistingFile);
  cmd->add_option("overrides", args->overrides, "further settings such as rl.steps=100");
  const std::shared_ptr<ConfigFlags> flags =
      ConfigFlags::ForPipeline(cmd, "overopt", FlagDefaults::kConfigFile);
  flags->Add("--defences", "defences");
  flags->Add("--seed", "run.seed");
  cmd->add_option("--resume", args->resume, "continue a killed lab from its directory");
  flags->AddThreads();
  cmd->callback([args, flags] {
    InitCommandLogging();
    pipeline::RunRequest request;
    if (!args->resume.empty()) {
      request.resume_dir = args->resume;
    } else {
      RLAB_CHECK(!args->config.empty(), "rlab overopt needs a config (or --resume RUN_DIR)");
      const std::string name = pipeline::PipelineNameOf(args->config);
      RLAB_CHECK(name == "overopt",
                 "{}: pipeline is '{}', but rlab overopt runs 'overopt' "
                 "configs (use rlab run for the others)",
                 args->config, name);
      request.config_path = args->config;
      request.overrides = flags->Overrides();
      request.overrides.insert(request.overrides.end(), args->overrides.begin(),
                               args->overrides.end());
    }
    request.threads = flags->Threads();
    const auto dir = pipeline::ExecuteRun(request);
    std::printf("%s\n", dir.string().c_str());
  });
}

}  // namespace rlab::cli
