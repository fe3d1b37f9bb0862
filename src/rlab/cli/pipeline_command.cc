#include "rlab/cli/command_logging.h"
#include "rlab/cli/pipeline_command.h"

#include <cstdio>
#include <memory>

#include "rlab/cli/config_flags.h"
#include "rlab/pipeline/run/runner.h"

namespace rlab::cli {

CLI::App* AddPipelineCommand(CLI::App& app, const PipelineCommand& command) {
  CLI::App* cmd = app.add_subcommand(
      command.name,
      fmt::format("{} (see `rlab pipelines {}`)", command.description, command.pipeline));
  if (!command.alias.empty()) cmd->alias(command.alias);
  const std::shared_ptr<ConfigFlags> flags = ConfigFlags::ForPipeline(cmd, command.pipeline);
  for (const auto& [flag, key] : command.flags) flags->Add(flag, key);
  flags->AddThreads();
  auto extra = std::make_shared<std::vector<std::string>>();
  cmd->add_option("overrides", *extra, "further settings such as " + command.overrides_example);
  const std::string pipeline = command.pipeline;
  cmd->callback([flags, extra, pipeline] {
    InitCommandLogging();
    pipeline::RunRequest request;
    request.pipeline = pipeline;
    request.overrides = flags->Overrides();
    request.overrides.insert(request.overrides.end(), extra->begin(), extra->end());
    request.threads = flags->Threads();
    const auto dir = pipeline::ExecuteRun(request);
    std::printf("%s\n", dir.string().c_str());
  });
  return cmd;
}

}  // namespace rlab::cli
