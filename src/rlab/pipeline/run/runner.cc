#include "rlab/pipeline/run/runner.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "rlab/core/check.h"
#include "rlab/core/config.h"
#include "rlab/core/log.h"
#include "rlab/core/provenance.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/run_lock.h"
#include "rlab/core/threads.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/report/report_html.h"

namespace rlab::pipeline {

namespace fs = std::filesystem;

namespace {

// Settings a resumed run may change: they place the run or set its speed, not its results.
bool MayChangeOnResume(const std::string& key) {
  return key == "run.threads" || key == "run.blas_threads" || key == "run.progress_seconds" ||
         key == "run.out_dir" || key == "run.name";
}

// {"train.lr": "0.01", "model.hidden": ["64", "64"], ...}: what a checkpoint records of the
// config, to be compared when the run resumes (see RunContext::Restore).
nlohmann::json SettingsOf(const config::FieldTable& table) {
  nlohmann::json settings = nlohmann::json::object();
  for (const config::Field& field : table.fields()) {
    if (MayChangeOnResume(field.path)) continue;
    const std::vector<std::string> values = field.get();
    settings[field.path] = field.is_list ? nlohmann::json(values) : nlohmann::json(values.at(0));
  }
  return settings;
}

// A run's config read and validated: everything that can fail before its directory exists.
struct PreparedRun {
  std::string name;  // the pipeline's
  std::unique_ptr<Pipeline> pipeline;
  std::string config_yaml;  // the effective config, as saved in the run directory
  nlohmann::json settings;
  nlohmann::ordered_json provenance;  // as recorded in config.yaml (null for older runs)
};

PreparedRun Prepare(const RunRequest& request, const std::string& config_path) {
  const bool from_defaults = config_path.empty() && !request.pipeline.empty();
  RLAB_CHECK(!config_path.empty() || from_defaults,
             "give a config file (rlab run CONFIG.yaml) or --resume RUN_DIR");
  PreparedRun run;
  run.name = from_defaults ? request.pipeline : PipelineNameOf(config_path);
  run.pipeline = Pipelines().Create(run.name);
  config::FieldTable table = run.pipeline->Fields();
  if (!from_defaults) table.ApplyYamlFile(config_path, {"pipeline"});
  for (const std::string& o : request.overrides) table.ApplyOverride(o);
  if (request.threads) table.ApplyOverride(fmt::format("run.threads={}", *request.threads));
  table.Validate();
  run.config_yaml = table.ToYaml({{"pipeline", run.name}});
  run.settings = SettingsOf(table);
  return run;
}

// Runs the pipeline in `dir` to the end, then writes the summary and the report.
void RunIn(const RunDir& dir, PreparedRun& prepared, bool resuming) {
  const RunOptions& run = prepared.pipeline->run_options();
  const ThreadSettings threads = ConfigureThreads(run.threads, run.blas_threads);
  const ScopedLogFile log_file(dir.log_path());
  spdlog::info("{} {} in {} (seed {}, {} torch threads, {} BLAS threads)",
               resuming ? "resuming" : "starting", prepared.name, dir.path().string(), run.seed,
               threads.torch_threads, threads.blas_threads);
  SeedTorch(run.seed);

  RunContext ctx(dir, run, resuming, prepared.settings);
  nlohmann::json summary = prepared.pipeline->Run(ctx);
  summary["pipeline"] = prepared.name;
  summary["seed"] = run.seed;
  summary["wall_seconds"] = ctx.wall_seconds();
  if (!prepared.provenance.is_null()) summary["provenance"] = prepared.provenance;
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
}

fs::path Resume(const RunRequest& request) {
  RLAB_CHECK(request.overrides.empty(),
             "a resumed run keeps its saved config; overrides are not allowed with --resume");
  const RunDir dir = RunDir::Open(request.resume_dir);
  const RunLock lock(dir.path());
  RLAB_CHECK(!dir.finished(), "run '{}' has already finished (it has summary.json)",
             request.resume_dir);
  PreparedRun prepared = Prepare(request, dir.config_path().string());
  dir.RemoveStaleTempFiles();
  RecordResume(dir.config_path());
  prepared.provenance = ReadProvenance(dir.config_path());
  RunIn(dir, prepared, /*resuming=*/true);
  return dir.path();
}

fs::path Start(const RunRequest& request) {
  PreparedRun prepared = Prepare(request, request.config_path);
  const RunOptions& run = prepared.pipeline->run_options();
  const RunDir dir = RunDir::Create(run.out_dir, run.name.empty() ? prepared.name : run.name);
  const RunLock lock(dir.path());
  try {
    prepared.provenance = StartProvenance(prepared.settings);
    dir.WriteConfig(ConfigWithProvenance(prepared.config_yaml, prepared.provenance));
    RunIn(dir, prepared, /*resuming=*/false);
  } catch (...) {
    // A run that failed before recording anything (a bad data file, a model it cannot build)
    // leaves no directory behind; one with a checkpoint stays, to be resumed.
    if (dir.HoldsNoResults()) dir.RemoveQuietly();
    throw;
  }
  return dir.path();
}

}  // namespace

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
  return request.resume_dir.empty() ? Start(request) : Resume(request);
}

}  // namespace rlab::pipeline
