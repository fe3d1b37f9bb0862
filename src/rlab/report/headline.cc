#include "rlab/report/headline.h"

#include <fmt/format.h>

#include <algorithm>

#include "rlab/report/escape.h"
#include "rlab/report/flatten.h"
#include "rlab/report/metric_panels.h"
#include "rlab/report/run_table.h"

namespace rlab::report {

namespace {

// The summary's value at a flat key ("margin.mean"), or null.
nlohmann::json SummaryValue(const RunData& run, const std::string& key) {
  if (!run.summary) return nullptr;
  for (const auto& [name, value] : FlattenJson(*run.summary)) {
    if (name == key) return value;
  }
  return nullptr;
}

// "0.72 (95% CI 0.65 to 0.79)" or "0.72"; "" when the summary lacks the key.
std::string HeadlineCell(const RunData& run, const std::string& key) {
  const nlohmann::json value = SummaryValue(run, key);
  if (value.is_null()) return "";
  std::string text = LeafText(value);
  const nlohmann::json ci = SummaryValue(run, key + "_ci95");
  if (ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number()) {
    text += fmt::format(" (95% CI {} to {})", LeafText(ci[0]), LeafText(ci[1]));
  }
  return text;
}

// The metric a headline key was logged as over steps ("" when none).
std::string LoggedAs(const std::vector<RunData>& runs, const std::string& key) {
  for (const std::string& name : {key, "eval_" + key, "eval/" + key}) {
    for (const RunData& run : runs) {
      if (run.Metric(name) != nullptr) return name;
    }
  }
  return "";
}

}  // namespace

Section HeadlineSection(const std::vector<RunData>& runs) {
  Section section{"Headline", "", {}, "", "headline"};
  std::vector<std::string> keys;
  for (const std::string& pipeline : RegisteredPipelines(runs)) {
    const auto panels = PipelinePanels().Create(pipeline);
    for (const std::string& key : panels->headline()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  std::string& html = section.html;
  html += "<table class=\"headline\">\n<tr><th></th>";
  for (const RunData& run : runs) html += "<th>" + RunLabel(run) + "</th>";
  html += "</tr>\n<tr><td>status</td>";
  for (const RunData& run : runs) html += "<td>" + StatusHtml(run) + "</td>";
  html += "</tr>\n";
  for (const std::string& key : keys) {
    std::string row = fmt::format("<tr><td>{}</td>", Escape(key));
    bool any = false;
    for (const RunData& run : runs) {
      const std::string cell = HeadlineCell(run, key);
      any = any || !cell.empty();
      row += fmt::format("<td class=\"num\">{}</td>", Escape(cell));
    }
    if (any) html += row + "</tr>\n";
  }
  html += "</table>\n";
  for (const std::string& key : keys) {
    const std::string metric = LoggedAs(runs, key);
    if (!metric.empty()) section.panels.push_back({MetricOverSteps(runs, metric, key), ""});
  }
  if (keys.empty()) {
    section.intro = "No pipeline of these runs names its headline figures; see the summary below.";
  }
  return section;
}

}  // namespace rlab::report
