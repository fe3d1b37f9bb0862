#include "rlab/report/seed_groups.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <map>
#include <set>

#include "rlab/report/scale.h"

namespace rlab::report {

namespace {

constexpr const char* kSeedKey = "run.seed";

// Settings that name, place or pace a run without changing what it computes.
bool IsBookkeeping(const std::string& key) {
  static const std::array<const char*, 7> kKeys = {"run.name",
                                                   "run.out_dir",
                                                   "run.threads",
                                                   "run.blas_threads",
                                                   "run.progress_seconds",
                                                   "run.keep_checkpoints",
                                                   "run.checkpoint_every"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return key == kSeedKey || key.rfind("provenance", 0) == 0;
}

// The settings that define the experiment, as one comparable text.
std::string ExperimentKey(const RunData& run) {
  std::string key = run.pipeline + "\n";
  for (const auto& [name, value] : run.settings) {
    if (!IsBookkeeping(name)) key += name + "=" + value + "\n";
  }
  return key;
}

std::string Seed(const RunData& run) {
  const auto it = run.settings.find(kSeedKey);
  return it == run.settings.end() ? "" : it->second;
}

}  // namespace

void AssignSeedGroups(std::vector<RunData>& runs) {
  std::map<std::string, std::vector<size_t>> by_experiment;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].settings.empty() && !Seed(runs[i]).empty()) {
      by_experiment[ExperimentKey(runs[i])].push_back(i);
    }
  }
  for (const auto& [key, members] : by_experiment) {
    std::set<std::string> seeds;
    for (size_t i : members) seeds.insert(Seed(runs[i]));
    if (members.size() < 2 || seeds.size() != members.size()) continue;
    for (size_t i : members) runs[i].seed_group = static_cast<int>(members.front());
  }
}

std::vector<std::vector<const RunData*>> PlotUnits(const std::vector<RunData>& runs) {
  std::vector<std::vector<const RunData*>> units;
  std::map<int, size_t> unit_of_group;
  for (const RunData& run : runs) {
    if (run.seed_group < 0) {
      units.push_back({&run});
      continue;
    }
    const auto [it, added] = unit_of_group.emplace(run.seed_group, units.size());
    if (added) units.emplace_back();
    units[it->second].push_back(&run);
  }
  return units;
}

std::string GroupLabel(const std::vector<const RunData*>& group) {
  if (group.size() == 1) return group.front()->name;
  return fmt::format("{} + {} more ({} seeds)", group.front()->name, group.size() - 1,
                     group.size());
}

Series UnitSeries(const std::vector<const RunData*>& unit, const std::string& metric) {
  Series s;
  s.label = GroupLabel(unit);
  s.color = unit.front()->index;
  if (unit.size() == 1) {
    if (const MetricSeries* m = unit.front()->Metric(metric)) {
      s.x = m->steps;
      s.y = m->values;
    }
    return s;
  }
  // step -> the members' finite values there (a member that logged a step twice counts once).
  std::map<double, std::vector<double>> at_step;
  for (const RunData* run : unit) {
    const MetricSeries* m = run->Metric(metric);
    if (m == nullptr) return s;
    std::map<double, double> last;
    for (size_t i = 0; i < m->steps.size(); ++i) {
      if (std::isfinite(m->values[i])) last[m->steps[i]] = m->values[i];
    }
    for (const auto& [step, value] : last) at_step[step].push_back(value);
  }
  const double n = static_cast<double>(unit.size());
  for (const auto& [step, values] : at_step) {
    if (values.size() != unit.size()) continue;
    double mean = 0, squares = 0;
    for (double v : values) mean += v / n;
    for (double v : values) squares += (v - mean) * (v - mean);
    const double spread = std::sqrt(squares / (n - 1));
    s.x.push_back(step);
    s.y.push_back(mean);
    s.band_lo.push_back(mean - spread);
    s.band_hi.push_back(mean + spread);
    s.notes.push_back(fmt::format("mean of {}, std {}", values.size(), FormatNumber(spread)));
  }
  return s;
}

}  // namespace rlab::report
