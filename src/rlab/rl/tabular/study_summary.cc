#include "rlab/rl/tabular/study_summary.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cmath>

#include "rlab/core/check.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace {

void AddSeed(StudySummary& summary, uint64_t seed, const StudyResult& result) {
  const bool first = summary.figures.empty();
  RLAB_CHECK(first || result.figures.size() == summary.figures.size(),
             "study {}: seed {} reported {} figures, the first seed {}", summary.spec, seed,
             result.figures.size(), summary.figures.size());
  for (size_t i = 0; i < result.figures.size(); ++i) {
    const auto& [name, value] = result.figures[i];
    RLAB_CHECK(std::isfinite(value), "study {}: seed {}: figure '{}' is {}", summary.spec, seed,
               name, value);
    if (first) summary.figures.push_back({.name = name});
    RLAB_CHECK(summary.figures[i].name == name,
               "study {}: seed {} reported figure '{}' where the first seed reported '{}'",
               summary.spec, seed, name, summary.figures[i].name);
    summary.figures[i].values.push_back(value);
  }
}

void Finish(FigureSummary& figure) {
  const double n = static_cast<double>(figure.values.size());
  double sum = 0.0;
  for (double v : figure.values) sum += v;
  figure.mean = sum / n;
  double squares = 0.0;
  for (double v : figure.values) squares += (v - figure.mean) * (v - figure.mean);
  figure.std = n > 1 ? std::sqrt(squares / (n - 1)) : 0.0;
}

}  // namespace

StudySummary SummariseStudy(const std::string& spec, const std::string& property,
                            const std::vector<uint64_t>& seeds,
                            const std::vector<StudyResult>& results) {
  RLAB_CHECK(!seeds.empty() && seeds.size() == results.size(),
             "study {}: {} seeds and {} results; give at least one seed", spec, seeds.size(),
             results.size());
  StudySummary summary{.spec = spec, .property = property, .seeds = seeds};
  for (size_t i = 0; i < seeds.size(); ++i) AddSeed(summary, seeds[i], results[i]);
  for (FigureSummary& figure : summary.figures) Finish(figure);
  return summary;
}

StudySummary RunStudy(const std::string& spec, const std::vector<uint64_t>& seeds,
                      const StudyProgress& progress) {
  RLAB_CHECK(!seeds.empty(), "study {}: give at least one seed", spec);
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<Study> study = MakeStudy(spec);
  std::vector<StudyResult> results;
  for (size_t i = 0; i < seeds.size(); ++i) {
    results.push_back(study->Run(seeds[i]));
    if (progress) progress(i + 1, seeds.size());
  }
  StudySummary summary = SummariseStudy(spec, study->Property(), seeds, results);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

nlohmann::json ToJson(const StudySummary& summary) {
  // Figures keep the study's order: a JSON object does not, so the names go in a list too.
  nlohmann::json figures = nlohmann::json::object();
  std::vector<std::string> order;
  for (const FigureSummary& f : summary.figures) {
    figures[f.name] = {{"mean", f.mean}, {"std", f.std}, {"values", f.values}};
    order.push_back(f.name);
  }
  return {{"study", summary.spec},  {"property", summary.property},
          {"seeds", summary.seeds}, {"figures", figures},
          {"order", order},         {"seconds", summary.seconds}};
}

std::string FormatTable(const StudySummary& summary) {
  std::string out = fmt::format("{}\n  {}\n", summary.spec, summary.property);
  out += fmt::format("  {:<36} {:>12} {:>10}  per seed\n", "figure", "mean", "std");
  for (const FigureSummary& f : summary.figures) {
    out += fmt::format("  {:<36} {:>12.6g} {:>10.3g}  {:.6g}\n", f.name, f.mean, f.std,
                       fmt::join(f.values, " "));
  }
  out += fmt::format("  {} seed(s) in {:.1f} s\n", summary.seeds.size(), summary.seconds);
  return out;
}

}  // namespace rlab::rl::tabular
