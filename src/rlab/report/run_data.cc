#include "rlab/report/run_data.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <set>

#include "rlab/core/check.h"
#include "rlab/core/config.h"
#include "rlab/core/io.h"
#include "rlab/core/json_text.h"
#include "rlab/core/metrics.h"
#include "rlab/report/flatten.h"
#include "rlab/report/seed_groups.h"

namespace rlab::report {

namespace fs = std::filesystem;

namespace {

fs::path Normalised(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec) p = fs::absolute(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

void ReadMetrics(const fs::path& file, RunData& run) {
  MetricsReader reader(file);
  nlohmann::json row;
  while (reader.Next(row)) {
    const auto step = row.find("step");
    RLAB_CHECK(step != row.end() && step->is_number(),
               "{}: every metrics line needs a numeric 'step' field; this one has {}",
               reader.Where(), step == row.end() ? "none" : step->dump());
    const double s = step->get<double>();
    for (const auto& [key, value] : row.items()) {
      if (key == "step" || !(value.is_number() || value.is_null())) continue;
      MetricSeries& series = run.metrics[key];
      series.steps.push_back(s);
      series.values.push_back(value.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                              : value.get<double>());
    }
    ++run.metric_rows;
  }
  if (reader.torn_last_line()) {
    spdlog::warn("{}: the last line is incomplete (the run was killed while writing it); the "
                 "report leaves it out, as --resume does",
                 file.string());
  }
}

// Every line of a JSONL file as an object (a torn last line left out with a warning).
std::vector<nlohmann::json> ReadObjects(const fs::path& file) {
  std::vector<nlohmann::json> rows;
  if (!fs::exists(file)) return rows;
  const std::string text = ReadFile(file);
  size_t offset = 0;
  int64_t line_number = 0;
  while (offset < text.size()) {
    const size_t end = text.find('\n', offset);
    if (end == std::string::npos) {
      spdlog::warn("{}: the last line is incomplete (the run was killed while writing it); the "
                   "report leaves it out",
                   file.string());
      break;
    }
    ++line_number;
    const std::string line = text.substr(offset, end - offset);
    offset = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", file.string(), line_number);
    nlohmann::json row = ParseJsonLine(line, where);
    RLAB_CHECK(row.is_object(), "{}: expected a JSON object per line, got {}", where,
               row.type_name());
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::string RunData::Status() const {
  if (!summary) return "not finished";
  const auto status = summary->find("status");
  return status != summary->end() && status->is_string() ? status->get<std::string>() : "finished";
}

std::string RunData::Error() const {
  if (!summary || !summary->contains("error") || !(*summary)["error"].is_string()) return "";
  return (*summary)["error"].get<std::string>();
}

const MetricSeries* RunData::Metric(const std::string& metric) const {
  const auto it = metrics.find(metric);
  return it == metrics.end() ? nullptr : &it->second;
}

RunData LoadRun(const fs::path& dir) {
  RLAB_CHECK(fs::is_directory(dir),
             "run directory '{}' does not exist or is not a directory (pass the directory that "
             "`rlab run` printed)",
             dir.string());
  RunData run;
  run.path = Normalised(dir);
  run.name = run.path.filename().string();
  const fs::path config = dir / "config.yaml", metrics = dir / "metrics.jsonl",
                 summary = dir / "summary.json";
  RLAB_CHECK(fs::exists(config) || fs::exists(metrics) || fs::exists(summary),
             "'{}' is not a run directory: it has none of config.yaml, metrics.jsonl and "
             "summary.json",
             dir.string());
  if (fs::exists(config)) run.config_text = ReadFile(config);
  if (fs::exists(summary)) {
    run.summary = ReadJsonFile(summary);
    const auto p = run.summary->find("pipeline");
    if (p != run.summary->end() && p->is_string()) run.pipeline = p->get<std::string>();
  }
  if (run.pipeline.empty() && run.config_text) {
    run.pipeline = config::TopLevelScalar(config.string(), "pipeline").value_or("");
  }
  if (fs::exists(metrics)) ReadMetrics(metrics, run);
  if (run.config_text) run.settings = FlattenYamlSettings(*run.config_text);
  run.samples = ReadObjects(dir / "samples.jsonl");
  run.predictions = ReadObjects(dir / "predictions.jsonl");
  run.feedback = ReadObjects(dir / "feedback.jsonl");
  return run;
}

std::vector<RunData> LoadRuns(const std::vector<fs::path>& dirs) {
  RLAB_CHECK(!dirs.empty(), "a report needs at least one run directory");
  std::vector<RunData> runs;
  std::map<std::string, int> seen;
  for (const fs::path& dir : dirs) {
    runs.push_back(LoadRun(dir));
    runs.back().index = static_cast<int>(runs.size()) - 1;
    ++seen[runs.back().name];
  }
  for (RunData& run : runs) {
    if (seen[run.name] > 1) run.name = run.path.parent_path().filename().string() + "/" + run.name;
  }
  AssignSeedGroups(runs);
  return runs;
}

std::vector<std::string> MetricNames(const std::vector<RunData>& runs) {
  std::set<std::string> names;
  for (const RunData& run : runs) {
    for (const auto& [name, series] : run.metrics) names.insert(name);
  }
  return {names.begin(), names.end()};
}

}  // namespace rlab::report
