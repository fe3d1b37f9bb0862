#include "rlab/cli/pipeline_command.h"

#include <fmt/format.h>

#include <cstdio>

#include "rlab/core/log.h"
#include "rlab/pipeline/runner.h"

namespace rlab::cli {

void PipelineOverrides::Text(const std::string& key, const std::string& value) {
  if (!value.empty()) list_.push_back(key + "=" + value);
}

void PipelineOverrides::Count(const std::string& key, int64_t value) {
  if (value >= 0) list_.push_back(fmt::format("{}={}", key, value));
}

void RunPipelineCommand(const std::string& pipeline, const PipelineOverrides& flags,
                        const std::vector<std::string>& extra, int threads) {
  InitConsoleLogging();
  pipeline::RunRequest request;
  request.pipeline = pipeline;
  request.overrides = flags.list();
  request.overrides.insert(request.overrides.end(), extra.begin(), extra.end());
  if (threads >= 0) request.threads = threads;
  const auto dir = pipeline::ExecuteRun(request);
  std::printf("%s\n", dir.string().c_str());
}

}  // namespace rlab::cli
