#include "rlab/report/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "rlab/core/io.h"
#include "rlab/report/config_diff.h"
#include "rlab/report/escape.h"
#include "rlab/report/flatten.h"
#include "rlab/report/headline.h"
#include "rlab/report/metric_panels.h"
#include "rlab/report/panels.h"
#include "rlab/report/run_table.h"
#include "rlab/report/samples_section.h"
#include "rlab/report/svg_plot.h"

namespace rlab::report {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { margin: 0; background: #f5f6f8; color: #1e2226;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 6px; padding-bottom: 4px; border-bottom: 1px solid #d8dce1; }
p.intro, p.meta { margin: 2px 0 12px; color: #59626c; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
figure.panel { margin: 0; background: #fff; border: 1px solid #e1e4e8; border-radius: 6px;
               padding: 6px; }
figure.panel svg { display: block; width: 100%; height: auto; }
figcaption { color: #59626c; font-size: 13px; padding: 2px 8px 4px; }
table { border-collapse: collapse; background: #fff; border: 1px solid #e1e4e8; }
th, td { padding: 5px 12px; border-bottom: 1px solid #eceef1; text-align: left;
         vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { color: #59626c; font-family: ui-monospace, monospace; font-size: 12px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
          margin-right: 6px; vertical-align: -1px; }
details { background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; margin: 8px 0;
          padding: 6px 12px; }
summary { cursor: pointer; font-weight: 600; }
pre { margin: 8px 0 4px; font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; }
.missing { color: #8a9099; font-style: italic; }
h3 { font-size: 15px; margin: 16px 0 4px; }
figure.pair { grid-column: 1 / -1; }
.pair-plots { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
table.headline { margin-bottom: 12px; }
table.headline td.num { font-size: 15px; font-weight: 600; }
table.samples { margin: 6px 0; width: 100%; }
table.samples td.text { font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap;
                        max-width: 520px; word-break: break-word; }
.status-open { color: #9a6700; font-weight: 600; }
.status-bad { color: #c62828; font-weight: 600; }
p.seed-group { color: #59626c; }
)css";

void PanelSection(const Section& section, const std::string& id, std::string& out) {
  out += fmt::format("<section class=\"panels\" id=\"{}\"><h2>{}</h2>\n",
                     Escape(section.id.empty() ? id : section.id), Escape(section.title));
  if (!section.intro.empty())
    out += fmt::format("<p class=\"intro\">{}</p>\n", Escape(section.intro));
  out += section.html;
  if (!section.panels.empty()) out += "<div class=\"grid\">\n";
  for (const Panel& panel : section.panels) {
    if (panel.beside) {
      out += "<figure class=\"panel pair\">\n<div class=\"pair-plots\">\n" + RenderSvg(panel.plot) +
             RenderSvg(*panel.beside) + "</div>\n";
    } else {
      out += "<figure class=\"panel\">\n" + RenderSvg(panel.plot);
    }
    if (!panel.caption.empty()) {
      out += fmt::format("<figcaption>{}</figcaption>\n", Escape(panel.caption));
    }
    out += "</figure>\n";
  }
  if (!section.panels.empty()) out += "</div>";
  out += "</section>\n";
}

// summary.json side by side, nested objects flattened to "a.b.c" rows.
void SummaryTable(const std::vector<RunData>& runs, std::string& out) {
  out += "<section id=\"summary\"><h2>Summary</h2>\n";
  std::set<std::string> keys;
  std::vector<std::map<std::string, nlohmann::json>> flat;
  for (const RunData& run : runs) {
    flat.emplace_back();
    if (!run.summary) continue;
    for (auto& [key, value] : FlattenJson(*run.summary)) {
      keys.insert(key);
      flat.back()[key] = std::move(value);
    }
  }
  if (keys.empty()) {
    out += "<p class=\"missing\">No run has a summary.json yet.</p></section>\n";
    return;
  }
  out += "<table>\n<tr><th>summary.json</th>";
  for (const RunData& run : runs) out += "<th>" + RunLabel(run) + "</th>";
  out += "</tr>\n";
  for (const std::string& key : keys) {
    out += fmt::format("<tr><td>{}</td>", Escape(key));
    for (const auto& values : flat) {
      const auto it = values.find(key);
      if (it == values.end()) {
        out += "<td></td>";
        continue;
      }
      out += fmt::format("<td{}>{}</td>", it->second.is_number() ? " class=\"num\"" : "",
                         Escape(LeafText(it->second)));
    }
    out += "</tr>\n";
  }
  out += "</table></section>\n";
}

void Configs(const std::vector<RunData>& runs, std::string& out) {
  out += "<section id=\"config\"><h2>Config</h2>\n";
  for (const RunData& run : runs) {
    out += fmt::format("<details{}><summary>{} &mdash; config.yaml</summary>\n",
                       runs.size() == 1 ? " open" : "", RunLabel(run));
    if (run.config_text) {
      out += fmt::format("<pre>{}</pre>\n", Escape(*run.config_text));
    } else {
      out += "<p class=\"missing\">no config.yaml</p>\n";
    }
    out += "</details>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string RenderReportHtml(const std::vector<RunData>& runs, const ReportOptions& options) {
  std::vector<std::string> names;
  for (const RunData& run : runs) names.push_back(run.name);
  const std::string title = fmt::format("rewardlab report: {}", fmt::join(names, ", "));
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
                     Escape(title), kStyle);
  out +=
      fmt::format("<h1>rewardlab report</h1>\n<p class=\"meta\">{} run{}: {}</p>\n", runs.size(),
                  runs.size() == 1 ? "" : "s", Escape(fmt::format("{}", fmt::join(names, ", "))));
  PanelSection(HeadlineSection(runs), "headline", out);
  out += RunsTable(runs);
  if (runs.size() > 1) PanelSection(ConfigDiffSection(runs), "config-diff", out);
  int index = 0;
  for (const Section& section : PipelineSections(runs)) {
    PanelSection(section, fmt::format("pipeline-{}", index++), out);
  }
  const Section samples = SamplesSection(runs);
  if (!samples.title.empty()) PanelSection(samples, "samples", out);
  for (const Section& section : MetricSections(runs, options)) {
    PanelSection(section, "metrics", out);
  }
  SummaryTable(runs, out);
  Configs(runs, out);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

fs::path WriteReport(const std::vector<fs::path>& run_dirs, const fs::path& out,
                     const ReportOptions& options) {
  const std::vector<RunData> runs = LoadRuns(run_dirs);
  if (out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
  }
  WriteFileAtomic(out, RenderReportHtml(runs, options));
  return out;
}

}  // namespace rlab::report
