#include "rlab/pipeline/run/runner.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "rlab/core/check.h"
#include "rlab/core/config.h"
#include "rlab/core/log.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/threads.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/report/report_html.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

std::string PipelineNameOf(const std::string& config_path) {
  RegisterBuiltins();
  const auto name = config::TopLevelScalar(config_path, "pipeline");
  RLAB_CHECK(name.has_value(), "{}: missing top-level key 'pipeline'; valid pipelines: {}",
             config_path, JoinNames(Pipelines().List()));
  RLAB_CHECK(Pipelines().Contains(*name), "{}: unknown pipeline '{}'; valid pipelines: {}",
             config_path, *name, JoinNames(Pipelines().List()));
  return *name;
}

fs::path ExecuteRun(const RunRequest& request) {
  RegisterBuiltins();
  const bool resuming = !request.resume_dir.empty();
  std::optional<RunDir> existing;
  std::string config_path = request.config_path;
  if (resuming) {
    existing = RunDir::Open(request.resume_dir);
    RLAB_CHECK(!existing->finished(), "run '{}' has already finished (it has summary.json)",
               request.resume_dir);
    RLAB_CHECK(request.overrides.empty(),
               "a resumed run keeps its saved config; overrides are not allowed with --resume");
    config_path = existing->config_path().string();
  }
  const bool from_defaults = config_path.empty() && !request.pipeline.empty();
  RLAB_CHECK(!config_path.empty() || from_defaults,
             "give a config file (rlab run CONFIG.yaml) or --resume RUN_DIR");

  const std::string name = from_defaults ? request.pipeline : PipelineNameOf(config_path);
  std::unique_ptr<Pipeline> pipeline = Pipelines().Create(name);
  config::FieldTable table = pipeline->Fields();
  if (!from_defaults) table.ApplyYamlFile(config_path, {"pipeline"});
  for (const std::string& o : request.overrides) table.ApplyOverride(o);
  if (request.threads) table.ApplyOverride(fmt::format("run.threads={}", *request.threads));
  table.Validate();

  const RunOptions& run = pipeline->run_options();
  const ThreadSettings threads = ConfigureThreads(run.threads, run.blas_threads);
  RunDir dir =
      resuming ? *existing : RunDir::Create(run.out_dir, run.name.empty() ? name : run.name);
  if (!resuming) dir.WriteConfig(table.ToYaml({{"pipeline", name}}));
  const ScopedLogFile log_file(dir.log_path());
  spdlog::info("{} {} in {} (seed {}, {} torch threads, {} BLAS threads)",
               resuming ? "resuming" : "starting", name, dir.path().string(), run.seed,
               threads.torch_threads, threads.blas_threads);
  SeedTorch(run.seed);

  RunContext ctx(dir, run, resuming);
  nlohmann::json summary = pipeline->Run(ctx);
  summary["pipeline"] = name;
  summary["seed"] = run.seed;
  summary["wall_seconds"] = ctx.wall_seconds();
  dir.WriteSummary(summary);
  spdlog::info("finished in {:.1f} s; summary in {}", ctx.wall_seconds(),
               dir.summary_path().string());
  // The run's results are already safe in summary.json; a failed report only warns.
  try {
    const fs::path report = report::WriteReport({dir.path()}, dir.path() / "report.html");
    spdlog::info("report: {}", report.string());
  } catch (const Error& e) {
    spdlog::warn("could not write the report: {} (try `rlab report {}`)", e.what(),
                 dir.path().string());
  }
  return dir.path();
}

}  // namespace rlab::pipeline
