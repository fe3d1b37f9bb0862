#include "rlab/report/metric_panels.h"

namespace rlab::report {

PlotSpec MetricOverSteps(const std::vector<RunData>& runs, const std::string& metric,
                         const std::string& title, Axis y) {
  PlotSpec plot;
  plot.title = title.empty() ? metric : title;
  plot.x.title = "step";
  plot.y = std::move(y);
  if (plot.y.title.empty()) plot.y.title = metric;
  for (const RunData& run : runs) {
    const MetricSeries* m = run.Metric(metric);
    if (m == nullptr) continue;
    Series s;
    s.label = run.name;
    s.x = m->steps;
    s.y = m->values;
    s.color = run.index;
    plot.series.push_back(std::move(s));
  }
  return plot;
}

Section EveryMetricSection(const std::vector<RunData>& runs) {
  Section section{
      "Every metric", "Each metric of metrics.jsonl over step; gaps are null values.", {}};
  for (const std::string& name : MetricNames(runs)) {
    section.panels.push_back({MetricOverSteps(runs, name), ""});
  }
  if (section.panels.empty()) section.intro = "No run has logged any metric yet.";
  return section;
}

}  // namespace rlab::report
