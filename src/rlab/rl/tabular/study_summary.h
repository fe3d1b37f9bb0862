// A study run over several seeds, summarised per figure: the values of every seed, their mean
// and their sample standard deviation (0 for one seed). What `rlab study` prints and writes.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rlab::rl::tabular {

struct StudyResult;

struct FigureSummary {
  std::string name;
  std::vector<double> values;  // one per seed, in the order of the seeds
  double mean = 0.0;
  double std = 0.0;
};

struct StudySummary {
  std::string spec;
  std::string property;
  std::vector<uint64_t> seeds;
  std::vector<FigureSummary> figures;  // in the order the study reports them
  double seconds = 0.0;                // wall time of all seeds
};

// Called after each seed with its index and the seeds' count (progress for long studies).
using StudyProgress = std::function<void(size_t done, size_t total)>;

// Runs the study named by `spec` once per seed. Throws rlab::Error when a figure is not finite,
// or when seeds report different figures (names or order), naming the seed and the figure.
StudySummary RunStudy(const std::string& spec, const std::vector<uint64_t>& seeds,
                      const StudyProgress& progress = {});

// The summary of results already computed, one per seed (RunStudy without the running), with
// the same checks.
StudySummary SummariseStudy(const std::string& spec, const std::string& property,
                            const std::vector<uint64_t>& seeds,
                            const std::vector<StudyResult>& results);

nlohmann::json ToJson(const StudySummary& summary);
// A plain table: figure, mean, std and the values per seed.
std::string FormatTable(const StudySummary& summary);

}  // namespace rlab::rl::tabular
