// rlab run CONFIG.yaml [section.key=value ...] | rlab run --resume RUN_DIR
#include <cstdio>
#include <filesystem>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/config_flags.h"
#include "rlab/cli/error_report.h"
#include "rlab/pipeline/run/runner.h"

namespace rlab::cli {

namespace {
// The positional words are a config file and its overrides, or nothing with --resume.
void CheckRunArguments(const pipeline::RunRequest& request) {
  namespace fs = std::filesystem;
  if (!request.resume_dir.empty()) {
    if (request.config_path.empty() && request.overrides.empty()) return;
    const std::string first =
        request.config_path.empty() ? request.overrides.front() : request.config_path;
    throw UsageError(fmt::format(
        "`rlab run --resume {}` takes no config file or overrides (got '{}'): a resumed run "
        "keeps the config saved in its directory",
        request.resume_dir, first));
  }
  if (request.config_path.empty()) {
    throw UsageError("give a config file (rlab run CONFIG.yaml) or --resume RUN_DIR");
  }
  const fs::path config(request.config_path);
  if (fs::is_directory(config)) {
    throw UsageError(fmt::format("config file '{}' is a directory; give a YAML file such as "
                                 "examples/bt_recovery.yaml",
                                 request.config_path));
  }
  if (!fs::exists(config)) {
    throw UsageError(fmt::format("config file '{}' does not exist", request.config_path));
  }
}
}  // namespace

void AddRunCommand(CLI::App& app) {
  auto request = std::make_shared<pipeline::RunRequest>();
  CLI::App* cmd = app.add_subcommand("run", "run the pipeline a YAML config names");
  cmd->add_option("config", request->config_path, "pipeline config (YAML)");
  cmd->add_option("overrides", request->overrides,
                  "dotted overrides such as train.lr=1e-3 (see `rlab pipelines NAME`)");
  cmd->add_option("--resume", request->resume_dir, "continue a killed run from its directory");
  const std::shared_ptr<ConfigFlags> flags = ConfigFlags::ForRunSection(cmd);
  flags->AddThreads();
  cmd->callback([request, flags] {
    CheckRunArguments(*request);
    InitCommandLogging();
    request->threads = flags->Threads();
    const auto dir = pipeline::ExecuteRun(*request);
    // Last line: the run directory, for scripts.
    std::printf("%s\n", dir.string().c_str());
  });
}

}  // namespace rlab::cli
