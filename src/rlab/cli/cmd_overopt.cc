// rlab overopt CONFIG.yaml [--seed S] [--defences a,b,...] [section.key=value ...]
// rlab overopt --resume RUN_DIR
// The overoptimisation lab (pipeline/overopt.h): a config whose pipeline is overopt, with
// flags for what a sweep changes most, the seed and the defences.
#include <cstdio>

#include "rlab/cli/commands.h"
#include "rlab/core/check.h"
#include "rlab/core/log.h"
#include "rlab/pipeline/runner.h"

namespace rlab::cli {

namespace {
struct OveroptArgs {
  std::string config, resume, defences;
  int64_t seed = -1;
  int threads = -1;
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
  cmd->add_option("--defences", args->defences,
                  "defences, comma-separated: single, mean, wco, uwo, par, log_sigmoid, kl, "
                  "dpo, rpo (with arguments as specs, e.g. \"uwo(lambda=1)\")");
  cmd->add_option("--seed", args->seed, "seed of every stage (default 1)");
  cmd->add_option("--resume", args->resume, "continue a killed lab from its directory");
  cmd->add_option("--threads", args->threads, "libtorch threads (overrides run.threads)");
  cmd->callback([args] {
    InitConsoleLogging();
    pipeline::RunRequest request;
    if (!args->resume.empty()) {
      request.resume_dir = args->resume;
    } else {
      RLAB_CHECK(!args->config.empty(), "rlab overopt needs a config (or --resume RUN_DIR)");
      const std::string name = pipeline::PipelineNameOf(args->config);
      RLAB_CHECK(name == "overopt", "{}: pipeline is '{}', but rlab overopt runs 'overopt' "
                                    "configs (use rlab run for the others)",
                 args->config, name);
      request.config_path = args->config;
      if (!args->defences.empty()) request.overrides.push_back("defences=[" + args->defences + "]");
      if (args->seed >= 0) request.overrides.push_back(fmt::format("run.seed={}", args->seed));
      request.overrides.insert(request.overrides.end(), args->overrides.begin(),
                               args->overrides.end());
    }
    if (args->threads >= 0) request.threads = args->threads;
    const auto dir = pipeline::ExecuteRun(request);
    std::printf("%s\n", dir.string().c_str());
  });
}

}  // namespace rlab::cli
