#include "rlab/report/run_table.h"

#include <fmt/format.h>

#include <algorithm>

#include "rlab/report/escape.h"
#include "rlab/report/scale.h"
#include "rlab/report/svg_plot.h"

namespace rlab::report {

namespace {

double LastStep(const RunData& run) {
  double last = -1;
  for (const auto& [name, m] : run.metrics) {
    if (!m.steps.empty()) last = std::max(last, *std::max_element(m.steps.begin(), m.steps.end()));
  }
  return last;
}

}  // namespace

std::string RunLabel(const RunData& run) {
  return fmt::format(R"(<span class="swatch" style="background:{}"></span>{})",
                     SeriesColor(run.index), Escape(run.name));
}

std::string StatusHtml(const RunData& run) {
  const std::string status = run.Status();
  if (status == "finished") return "finished";
  if (status == "not finished") {
    return "<span class=\"status-open\">not finished (no summary.json)</span>";
  }
  if (status == "interrupted") {
    return "<span class=\"status-open\">interrupted (resumable with --resume)</span>";
  }
  const std::string error = run.Error();
  return fmt::format("<span class=\"status-bad\">{}{}</span>", Escape(status),
                     error.empty() ? "" : ": " + Escape(error));
}

std::string RunsTable(const std::vector<RunData>& runs) {
  std::string out =
      "<section id=\"runs\"><h2>Runs</h2>\n<table>\n<tr><th>run</th><th>pipeline</th>"
      "<th>status</th><th>metric lines</th><th>last step</th><th>directory</th></tr>\n";
  for (const RunData& run : runs) {
    const double last = LastStep(run);
    out += fmt::format(
        "<tr class=\"run\"><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"path\">{}</td></tr>\n",
        RunLabel(run), Escape(run.pipeline.empty() ? "?" : run.pipeline), StatusHtml(run),
        run.metric_rows, last < 0 ? "" : FormatNumber(last), Escape(run.path.string()));
  }
  return out + "</table></section>\n";
}

}  // namespace rlab::report
