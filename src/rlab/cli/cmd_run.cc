// rlab run CONFIG.yaml [section.key=value ...] | rlab run --resume RUN_DIR
#include <cstdio>

#include "rlab/cli/commands.h"
#include "rlab/cli/config_flags.h"
#include "rlab/core/log.h"
#include "rlab/pipeline/run/runner.h"

namespace rlab::cli {

void AddRunCommand(CLI::App& app) {
  auto request = std::make_shared<pipeline::RunRequest>();
  CLI::App* cmd = app.add_subcommand("run", "run the pipeline a YAML config names");
  cmd->add_option("config", request->config_path, "pipeline config (YAML)")
      ->check(CLI::ExistingFile);
  cmd->add_option("overrides", request->overrides,
                  "dotted overrides such as train.lr=1e-3 (see `rlab pipelines NAME`)");
  cmd->add_option("--resume", request->resume_dir, "continue a killed run from its directory");
  const std::shared_ptr<ConfigFlags> flags = ConfigFlags::ForRunSection(cmd);
  flags->AddThreads();
  cmd->callback([request, flags] {
    InitConsoleLogging();
    request->threads = flags->Threads();
    const auto dir = pipeline::ExecuteRun(*request);
    // Last line: the run directory, for scripts.
    std::printf("%s\n", dir.string().c_str());
  });
}

}  // namespace rlab::cli
