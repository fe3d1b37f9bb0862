// Panels built from metrics.jsonl: one metric over steps with the runs overlaid (repeats over
// seeds as a mean line in a +-std band), and the metric sections: every metric any run logged,
// grouped by the prefix of its name ("rewards/", "rm/", ...), a training metric and its
// held-out twin (loss and eval_loss, train/x and eval/x) side by side on shared axes, the
// x-axis (step) shared by every plot of a group.
#pragma once

#include <string>
#include <vector>

#include "rlab/report/panels.h"

namespace rlab::report {

struct ReportOptions {
  // A logarithmic y-axis for every metric whose values are all positive. Without it the
  // axis is logarithmic only for positive metrics spanning more than three decades.
  bool log_y = false;
};

// A line plot of `metric` against `step`, one series per run (or seed group) that logged it
// (legend: the run names, each run in its own colour in every plot).
PlotSpec MetricOverSteps(const std::vector<RunData>& runs, const std::string& metric,
                         const std::string& title = "", Axis y = {});

// Whether `metric`'s plot gets a logarithmic y-axis (see ReportOptions).
bool UseLogScale(const std::vector<RunData>& runs, const std::string& metric,
                 const ReportOptions& options);

// The metric sections, one per prefix group ("Metrics" for names without a prefix first),
// with ids "metrics" and "metrics-<prefix>".
std::vector<Section> MetricSections(const std::vector<RunData>& runs,
                                    const ReportOptions& options = {});

}  // namespace rlab::report
