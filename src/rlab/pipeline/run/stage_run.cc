#include "rlab/pipeline/run/stage_run.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "rlab/core/run_dir.h"
#include "rlab/pipeline/run/runner.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

namespace {

// The child run of `stage` under `parent`, if one was started.
std::optional<fs::path> ExistingStage(const fs::path& parent, const std::string& stage) {
  if (!fs::is_directory(parent)) return std::nullopt;
  for (const auto& entry : fs::directory_iterator(parent)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.starts_with(stage + "-") && RunDir::IsRun(entry.path())) {
      return entry.path();
    }
  }
  return std::nullopt;
}

}  // namespace

fs::path RunStage(const StageRequest& request) {
  if (const auto existing = ExistingStage(request.parent, request.stage)) {
    if (RunDir::Open(*existing).finished()) {
      spdlog::info("stage {}: reusing the finished run {}", request.stage, existing->string());
      return *existing;
    }
    spdlog::info("stage {}: resuming {}", request.stage, existing->string());
    RunRequest resume;
    resume.resume_dir = existing->string();
    resume.threads = request.threads;
    return ExecuteRun(resume);
  }
  RunRequest run;
  run.pipeline = request.pipeline;
  run.overrides = request.overrides;
  run.overrides.push_back("run.out_dir=" + request.parent.string());
  run.overrides.push_back("run.name=" + request.stage);
  run.overrides.push_back(fmt::format("run.blas_threads={}", request.blas_threads));
  run.threads = request.threads;
  spdlog::info("stage {}: starting a {} run under {}", request.stage, request.pipeline,
               request.parent.string());
  return ExecuteRun(run);
}

}  // namespace rlab::pipeline
