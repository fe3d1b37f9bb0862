// Panels built from metrics.jsonl: one metric over steps with the runs overlaid, and the
// generic section with such a plot for every metric any run logged.
#pragma once

#include <string>
#include <vector>

#include "rlab/report/panels.h"

namespace rlab::report {

// A line plot of `metric` against `step`, one series per run that logged it (legend: the run
// names, each run in its own colour in every plot).
PlotSpec MetricOverSteps(const std::vector<RunData>& runs, const std::string& metric,
                         const std::string& title = "", Axis y = {});

// "Every metric": one panel per metric name, sorted.
Section EveryMetricSection(const std::vector<RunData>& runs);

}  // namespace rlab::report
