#include "rlab/pipeline/run/runner.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <optional>
#include <string_view>

#include "rlab/core/check.h"
#include "rlab/core/config.h"
#include "rlab/core/log.h"
#include "rlab/core/provenance.h"
#include "rlab/core/rng.h"
#include "rlab/core/run_dir.h"
#include "rlab/core/run_lock.h"
#include "rlab/core/stop_signal.h"
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
  std::vector<std::string> warnings;  // settings that make the run do nothing or waste itself
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
  if (from_defaults && !request.config_text.empty()) {
    table.ApplyYamlText(request.config_text, request.config_source, {"pipeline"});
  }
  for (const std::string& o : request.overrides) table.ApplyOverride(o);
  if (request.threads) table.ApplyOverride(fmt::format("run.threads={}", *request.threads));
  run.warnings = table.Validate();
  run.config_yaml = table.ToYaml({{"pipeline", run.name}});
  run.settings = SettingsOf(table);
  return run;
}

// The fields every summary holds, however the run ended: "finished", "interrupted" (by a
// signal, resumable) or "failed".
void AddRunFields(nlohmann::json& summary, const PreparedRun& prepared, double wall_seconds,
                  const std::string& status) {
  summary["status"] = status;
  summary["pipeline"] = prepared.name;
  summary["seed"] = prepared.pipeline->run_options().seed;
  summary["wall_seconds"] = wall_seconds;
  if (!prepared.warnings.empty()) summary["warnings"] = prepared.warnings;
  if (!prepared.provenance.is_null()) summary["provenance"] = prepared.provenance;
}

// A run stopped by a signal after its checkpoint (its own, or a stage's: then the stage).
void RecordInterruption(const RunDir& dir, const PreparedRun& prepared, double wall_seconds,
                        RunInterrupted& interrupted) {
  nlohmann::json summary = {{"signal", SignalName(interrupted.signal())}};
  if (interrupted.checkpointed_run() == dir.path()) {
    summary["step"] = interrupted.step();
  } else {
    summary["stage"] = interrupted.checkpointed_run().lexically_relative(dir.path()).string();
  }
  AddRunFields(summary, prepared, wall_seconds, "interrupted");
  dir.WriteSummary(summary);
  spdlog::warn("interrupted by {} after the checkpoint at step {}{}; `rlab run --resume {}` "
               "continues the run",
               SignalName(interrupted.signal()), interrupted.step(),
               summary.contains("stage") ? " of stage " + summary["stage"].get<std::string>() : "",
               dir.path().string());
  interrupted.set_run_to_resume(dir.path());
}

// A run that ended with an error: the error goes to log.txt and, when the run recorded
// something worth keeping (a run that recorded nothing is removed, see Start), into
// summary.json.
void RecordFailure(const RunDir& dir, const PreparedRun& prepared, double wall_seconds,
                   const std::exception& error) {
  const std::string_view what = error.what();
  const std::string message(what.substr(0, what.find('\n')));
  LogErrorToRunFile("the run failed: " + message);
  if (dir.HoldsNoResults()) return;
  nlohmann::json summary = {{"error", message}};
  AddRunFields(summary, prepared, wall_seconds, "failed");
  try {
    dir.WriteSummary(summary);
  } catch (const std::exception& e) {
    spdlog::error("could not record the failure in {}: {}", dir.summary_path().string(), e.what());
  }
}

// Runs the pipeline in `dir` to the end, then writes the summary and the report.
void RunIn(const RunDir& dir, PreparedRun& prepared, bool resuming) {
  const RunOptions& run = prepared.pipeline->run_options();
  const ThreadSettings threads = ConfigureThreads(run.threads, run.blas_threads);
  const ScopedLogFile log_file(dir.log_path());
  spdlog::info("{} {} in {} (seed {}, {} torch threads, {} BLAS threads)",
               resuming ? "resuming" : "starting", prepared.name, dir.path().string(), run.seed,
               threads.torch_threads, threads.blas_threads);
  for (const std::string& warning : prepared.warnings) spdlog::warn("{}", warning);
  SeedTorch(run.seed);

  // What the run reports while it builds its parts joins the config's warnings.
  config::WarningCollector run_warnings(/*log=*/true);
  const auto add_warnings = [&] {
    for (const std::string& w : run_warnings.warnings()) prepared.warnings.push_back(w);
  };
  std::optional<RunContext> ctx;
  nlohmann::json summary;
  try {
    ctx.emplace(dir, run, resuming, prepared.settings);
    summary = prepared.pipeline->Run(*ctx);
  } catch (RunInterrupted& interrupted) {
    add_warnings();
    RecordInterruption(dir, prepared, ctx ? ctx->wall_seconds() : 0.0, interrupted);
    throw;
  } catch (const std::exception& error) {
    add_warnings();
    RecordFailure(dir, prepared, ctx ? ctx->wall_seconds() : 0.0, error);
    throw;
  }
  add_warnings();
  AddRunFields(summary, prepared, ctx->wall_seconds(), RunDir::kFinishedStatus);
  dir.WriteSummary(summary);
  spdlog::info("finished in {:.1f} s; summary in {}", ctx->wall_seconds(),
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
  RLAB_CHECK(!dir.finished(), "run '{}' has already finished (its summary.json says so)",
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
  const StopSignalScope stop_on_signal;  // SIGTERM, SIGUSR1: checkpoint, then stop
  return request.resume_dir.empty() ? Start(request) : Resume(request);
}

}  // namespace rlab::pipeline
