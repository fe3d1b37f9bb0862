// What a report reads from one run directory: config.yaml (as text and as flat settings),
// summary.json, every metric of metrics.jsonl as a series over `step`, and the other logs a
// pipeline may write: samples.jsonl (language-model completions, see
// pipeline/lm/sample_log.h), predictions.jsonl (eval-rm's per-record scores) and
// feedback.jsonl (pbrl's labels).
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rlab::report {

// One metric of one run: values[i] was logged at steps[i]; NaN marks a null (a gap).
struct MetricSeries {
  std::vector<double> steps;
  std::vector<double> values;
};

struct RunData {
  std::string name;  // the directory's name, used in legends
  int index = 0;     // position in the report: picks the run's colour in every plot
  std::filesystem::path path;
  std::string pipeline;  // from summary.json or config.yaml; "" when neither says
  std::optional<std::string> config_text;
  std::optional<nlohmann::json> summary;  // absent while the run has not finished
  std::map<std::string, MetricSeries> metrics;
  int64_t metric_rows = 0;
  std::map<std::string, std::string> settings;  // config.yaml as "section.key" -> value
  // One JSON object per line of samples.jsonl, predictions.jsonl and feedback.jsonl (empty
  // when the run has no such file).
  std::vector<nlohmann::json> samples, predictions, feedback;
  // With other runs that differ from it only in run.seed: the index of the first of them
  // (see seed_groups.h); -1 otherwise.
  int seed_group = -1;

  const MetricSeries* Metric(const std::string& name) const;
  // "finished", "interrupted" or "failed" as summary.json's status says (a summary without
  // one is finished), or "not finished" without summary.json.
  std::string Status() const;
  // The failed run's error, "" otherwise.
  std::string Error() const;
};

// Reads a run directory. A missing directory, or one with none of config.yaml, metrics.jsonl
// and summary.json, is an error; so is a malformed line of metrics.jsonl (named file:line)
// or a line without a numeric `step`, except a torn last line (a run killed while writing it),
// which is left out with a warning on stderr, as resume cuts it off. Numbers and nulls are
// metrics; fields of other types (strings, lists) are not plotted. The other JSONL files are
// read the same way.
RunData LoadRun(const std::filesystem::path& dir);

// Reads several runs; runs whose directory names collide get their parent's name prepended;
// runs that differ only in run.seed are grouped (seed_group).
std::vector<RunData> LoadRuns(const std::vector<std::filesystem::path>& dirs);

// Every metric name of any run, sorted.
std::vector<std::string> MetricNames(const std::vector<RunData>& runs);

}  // namespace rlab::report
