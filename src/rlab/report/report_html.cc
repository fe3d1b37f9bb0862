#include "rlab/report/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rlab/core/io.h"
#include "rlab/report/escape.h"
#include "rlab/report/metric_panels.h"
#include "rlab/report/panels.h"
#include "rlab/report/scale.h"
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
)css";

std::string Swatch(const RunData& run) {
  return fmt::format(R"(<span class="swatch" style="background:{}"></span>)",
                     SeriesColor(run.index));
}

double LastStep(const RunData& run) {
  double last = -1;
  for (const auto& [name, m] : run.metrics) {
    if (!m.steps.empty()) last = std::max(last, *std::max_element(m.steps.begin(), m.steps.end()));
  }
  return last;
}

// One summary value for a table cell, and whether it is a number (right-aligned).
std::pair<std::string, bool> Cell(const nlohmann::json& v) {
  if (v.is_number()) return {FormatNumber(v.get<double>()), true};
  if (v.is_string()) return {v.get<std::string>(), false};
  return {v.dump(), false};
}

void RunsTable(const std::vector<RunData>& runs, std::string& out) {
  out += "<section id=\"runs\"><h2>Runs</h2>\n<table>\n<tr><th>run</th><th>pipeline</th>"
         "<th>status</th><th>metric lines</th><th>last step</th><th>directory</th></tr>\n";
  for (const RunData& run : runs) {
    const double last = LastStep(run);
    out += fmt::format(
        "<tr class=\"run\"><td>{}{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"path\">{}</td></tr>\n",
        Swatch(run), Escape(run.name), Escape(run.pipeline.empty() ? "?" : run.pipeline),
        run.summary ? "finished" : "not finished (no summary.json)", run.metric_rows,
        last < 0 ? "" : FormatNumber(last), Escape(run.path.string()));
  }
  out += "</table></section>\n";
}

void PanelSection(const Section& section, const std::string& id, std::string& out) {
  out += fmt::format("<section class=\"panels\" id=\"{}\"><h2>{}</h2>\n", Escape(id),
                     Escape(section.title));
  if (!section.intro.empty())
    out += fmt::format("<p class=\"intro\">{}</p>\n", Escape(section.intro));
  out += "<div class=\"grid\">\n";
  for (const Panel& panel : section.panels) {
    out += "<figure class=\"panel\">\n" + RenderSvg(panel.plot);
    if (!panel.caption.empty()) {
      out += fmt::format("<figcaption>{}</figcaption>\n", Escape(panel.caption));
    }
    out += "</figure>\n";
  }
  out += "</div></section>\n";
}

void SummaryTable(const std::vector<RunData>& runs, std::string& out) {
  out += "<section id=\"summary\"><h2>Summary</h2>\n";
  std::set<std::string> keys;
  for (const RunData& run : runs) {
    if (run.summary && run.summary->is_object()) {
      for (const auto& [key, value] : run.summary->items()) keys.insert(key);
    }
  }
  if (keys.empty()) {
    out += "<p class=\"missing\">No run has a summary.json yet.</p></section>\n";
    return;
  }
  out += "<table>\n<tr><th>summary.json</th>";
  for (const RunData& run : runs)
    out += fmt::format("<th>{}{}</th>", Swatch(run), Escape(run.name));
  out += "</tr>\n";
  for (const std::string& key : keys) {
    out += fmt::format("<tr><td>{}</td>", Escape(key));
    for (const RunData& run : runs) {
      const bool has = run.summary && run.summary->is_object() && run.summary->contains(key);
      if (!has) {
        out += "<td></td>";
        continue;
      }
      const auto [text, number] = Cell((*run.summary)[key]);
      out += fmt::format("<td{}>{}</td>", number ? " class=\"num\"" : "", Escape(text));
    }
    out += "</tr>\n";
  }
  out += "</table></section>\n";
}

void Configs(const std::vector<RunData>& runs, std::string& out) {
  out += "<section id=\"config\"><h2>Config</h2>\n";
  for (const RunData& run : runs) {
    out += fmt::format("<details open><summary>{}{} &mdash; config.yaml</summary>\n", Swatch(run),
                       Escape(run.name));
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

std::string RenderReportHtml(const std::vector<RunData>& runs) {
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
  RunsTable(runs, out);
  int index = 0;
  for (const Section& section : PipelineSections(runs)) {
    PanelSection(section, fmt::format("pipeline-{}", index++), out);
  }
  PanelSection(EveryMetricSection(runs), "every-metric", out);
  SummaryTable(runs, out);
  Configs(runs, out);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

fs::path WriteReport(const std::vector<fs::path>& run_dirs, const fs::path& out) {
  const std::vector<RunData> runs = LoadRuns(run_dirs);
  if (out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
  }
  WriteFileAtomic(out, RenderReportHtml(runs));
  return out;
}

}  // namespace rlab::report
