#include "rlab/report/metric_panels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "rlab/report/scale.h"
#include "rlab/report/seed_groups.h"

namespace rlab::report {

namespace {

// A metric's name split into its role and the name it shares with its twin: "eval_loss" is the
// held-out "loss", "train/reward" the training "reward", "rm/loss" a training "rm/loss".
struct MetricName {
  bool held_out = false;
  std::string base;
};

MetricName Split(const std::string& name) {
  for (const char* prefix : {"eval_", "eval/"}) {
    if (name.rfind(prefix, 0) == 0 && name.size() > 5) return {true, name.substr(5)};
  }
  for (const char* prefix : {"train_", "train/"}) {
    if (name.rfind(prefix, 0) == 0 && name.size() > 6) return {false, name.substr(6)};
  }
  return {false, name};
}

// The group of a base name: the text up to its first '/', or "" for none.
std::string GroupOf(const std::string& base) {
  const size_t slash = base.find('/');
  return slash == std::string::npos ? "" : base.substr(0, slash + 1);
}

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

Extent ValueRange(const std::vector<RunData>& runs, const std::string& metric, bool steps) {
  Extent r;
  for (const RunData& run : runs) {
    if (const MetricSeries* m = run.Metric(metric)) {
      for (size_t i = 0; i < m->values.size(); ++i) {
        if (std::isfinite(m->values[i])) r.Add(steps ? m->steps[i] : m->values[i]);
      }
    }
  }
  return r;
}

// Fixes `axis` to the nice ticks around `r` (so that plots sharing it line up).
void ShareAxis(Axis& axis, const Extent& r) {
  if (r.empty()) return;
  if (axis.log) {
    if (r.lo <= 0) return;
    axis.min = std::pow(10.0, std::floor(std::log10(r.lo) + 1e-9));
    axis.max = std::pow(10.0, std::ceil(std::log10(r.hi) - 1e-9));
    if (*axis.min == *axis.max) *axis.max *= 10;
    return;
  }
  const Ticks ticks = NiceTicks(r.lo, r.hi);
  axis.min = ticks.lo;
  axis.max = ticks.hi;
}

struct Twins {
  std::optional<std::string> train, held_out;
};

}  // namespace

PlotSpec MetricOverSteps(const std::vector<RunData>& runs, const std::string& metric,
                         const std::string& title, Axis y) {
  PlotSpec plot;
  plot.title = title.empty() ? metric : title;
  plot.x.title = "step";
  plot.y = std::move(y);
  if (plot.y.title.empty()) plot.y.title = metric;
  for (const auto& unit : PlotUnits(runs)) {
    Series s = UnitSeries(unit, metric);
    if (!s.x.empty()) plot.series.push_back(std::move(s));
  }
  return plot;
}

bool UseLogScale(const std::vector<RunData>& runs, const std::string& metric,
                 const ReportOptions& options) {
  const Extent r = ValueRange(runs, metric, /*steps=*/false);
  if (r.empty() || r.lo <= 0) return false;
  return options.log_y || r.hi / r.lo > 1e3;
}

std::vector<Section> MetricSections(const std::vector<RunData>& runs,
                                    const ReportOptions& options) {
  // group -> base name -> its training and held-out metrics
  std::map<std::string, std::map<std::string, Twins>> groups;
  for (const std::string& name : MetricNames(runs)) {
    const MetricName split = Split(name);
    Twins& twins = groups[GroupOf(split.base)][split.base];
    (split.held_out ? twins.held_out : twins.train) = name;
  }
  std::vector<Section> sections;
  for (const auto& [group, members] : groups) {
    Section section;
    section.title = group.empty() ? "Metrics" : "Metrics: " + group;
    section.id = group.empty() ? "metrics" : "metrics-" + group.substr(0, group.size() - 1);
    section.intro = group.empty()
                        ? "Each metric of metrics.jsonl over step, training beside held-out "
                          "(eval_) where both exist; gaps are null values. Hover a point for "
                          "its value."
                        : "The metrics named " + group + "..., on one step axis.";
    Extent steps;
    for (const auto& [base, twins] : members) {
      for (const auto& name : {twins.train, twins.held_out}) {
        if (!name) continue;
        const Extent r = ValueRange(runs, *name, /*steps=*/true);
        steps.Add(r.lo);
        steps.Add(r.hi);
      }
    }
    for (const auto& [base, twins] : members) {
      const auto plot_of = [&](const std::string& name) {
        Axis y;
        y.log = UseLogScale(runs, name, options);
        PlotSpec plot = MetricOverSteps(runs, name, "", y);
        ShareAxis(plot.x, steps);
        return plot;
      };
      Panel panel;
      if (twins.train && twins.held_out) {
        panel.plot = plot_of(*twins.train);
        panel.beside = plot_of(*twins.held_out);
        const bool log = panel.plot.y.log && panel.beside->y.log;
        panel.plot.y.log = panel.beside->y.log = log;
        Extent values = ValueRange(runs, *twins.train, false);
        const Extent held_out = ValueRange(runs, *twins.held_out, false);
        values.Add(held_out.lo);
        values.Add(held_out.hi);
        ShareAxis(panel.plot.y, values);
        ShareAxis(panel.beside->y, values);
        panel.caption = "Training (left) and held-out (right) on the same axes.";
      } else {
        panel.plot = plot_of(twins.train ? *twins.train : *twins.held_out);
      }
      if (panel.plot.y.log) {
        panel.caption += std::string(panel.caption.empty() ? "" : " ") + "Logarithmic y-axis.";
      }
      section.panels.push_back(std::move(panel));
    }
    sections.push_back(std::move(section));
  }
  if (sections.empty()) {
    sections.push_back({"Metrics", "No run has logged any metric yet.", {}, "", "metrics"});
  }
  return sections;
}

}  // namespace rlab::report
