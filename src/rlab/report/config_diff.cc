#include "rlab/report/config_diff.h"

#include <fmt/format.h>

#include <set>

#include "rlab/report/escape.h"
#include "rlab/report/run_table.h"
#include "rlab/report/seed_groups.h"

namespace rlab::report {

std::vector<std::string> DifferingSettings(const std::vector<RunData>& runs) {
  std::set<std::string> keys;
  for (const RunData& run : runs) {
    for (const auto& [key, value] : run.settings) {
      if (key.rfind("provenance", 0) != 0) keys.insert(key);
    }
  }
  std::vector<std::string> differing;
  for (const std::string& key : keys) {
    std::set<std::string> values;
    for (const RunData& run : runs) {
      const auto it = run.settings.find(key);
      values.insert(it == run.settings.end() ? std::string("\x01missing") : it->second);
    }
    if (values.size() > 1) differing.push_back(key);
  }
  return differing;
}

Section ConfigDiffSection(const std::vector<RunData>& runs) {
  Section section{"Config differences", "", {}, "", "config-diff"};
  const std::vector<std::string> keys = DifferingSettings(runs);
  if (keys.empty()) {
    section.intro = "The runs' configs are the same.";
  } else {
    section.intro = "The settings that differ between the runs (blank: the run's config does "
                    "not have the key).";
    std::string& html = section.html;
    html += "<table class=\"config-diff\">\n<tr><th>setting</th>";
    for (const RunData& run : runs) html += "<th>" + RunLabel(run) + "</th>";
    html += "</tr>\n";
    for (const std::string& key : keys) {
      html += fmt::format("<tr><td>{}</td>", Escape(key));
      for (const RunData& run : runs) {
        const auto it = run.settings.find(key);
        html += fmt::format("<td>{}</td>", it == run.settings.end() ? "" : Escape(it->second));
      }
      html += "</tr>\n";
    }
    html += "</table>\n";
  }
  for (const auto& unit : PlotUnits(runs)) {
    if (unit.size() < 2) continue;
    std::string names;
    for (const RunData* run : unit) names += (names.empty() ? "" : ", ") + Escape(run->name);
    section.html += fmt::format(
        "<p class=\"seed-group\">{} differ only in run.seed: plots draw them as one line, their "
        "mean, in a band of plus and minus one standard deviation.</p>\n",
        names);
  }
  return section;
}

}  // namespace rlab::report
