// eval-rm: accuracy overall and per subset with bootstrap 95% intervals, the reliability
// diagram, and the histogram of per-record margins (summary.json and predictions.jsonl as
// eval-rm writes them).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "rlab/report/panels.h"

namespace rlab::report {

namespace {

constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
constexpr int kMarginBins = 20;

double NumberAt(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : kAbsent;
}

// [lo, hi] of an interval field, NaNs when absent.
std::pair<double, double> Interval(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number() ||
      !(*it)[1].is_number()) {
    return {kAbsent, kAbsent};
  }
  return {(*it)[0].get<double>(), (*it)[1].get<double>()};
}

// Where bar `r` of `count` side-by-side bars sits within a slot of width `slot` at `x`.
double BarOffset(int r, int count, double slot) { return (r - (count - 1) / 2.0) * slot / count; }

Panel AccuracyBars(const std::vector<RunData>& runs) {
  std::vector<std::string> categories = {"all"};
  std::set<std::string> subsets;
  for (const RunData& run : runs) {
    if (run.summary && run.summary->contains("subsets") && (*run.summary)["subsets"].is_object()) {
      for (const auto& [name, v] : (*run.summary)["subsets"].items()) subsets.insert(name);
    }
  }
  categories.insert(categories.end(), subsets.begin(), subsets.end());
  PlotSpec plot;
  plot.title = "accuracy by subset";
  plot.x.title = "subset";
  plot.x.categories = categories;
  plot.y = Axis{"accuracy", 0.0, 1.0};
  const int count = static_cast<int>(runs.size());
  for (int r = 0; r < count; ++r) {
    const RunData& run = runs[r];
    if (!run.summary) continue;
    Series s{.label = run.name, .mark = Mark::kBar, .color = run.index};
    s.bar_width = 0.8 / count;
    for (size_t c = 0; c < categories.size(); ++c) {
      const nlohmann::json* source = &*run.summary;
      if (c > 0) {
        const auto& all = (*run.summary)["subsets"];
        if (!all.contains(categories[c])) continue;
        source = &all[categories[c]];
      }
      const auto [lo, hi] = Interval(*source, "accuracy_ci95");
      s.x.push_back(static_cast<double>(c) + BarOffset(r, count, 0.8));
      s.y.push_back(NumberAt(*source, "accuracy"));
      s.err_lo.push_back(lo);
      s.err_hi.push_back(hi);
      s.notes.push_back(fmt::format("{} records, 95% CI {:.3f} to {:.3f}",
                                    NumberAt(*source, c > 0 ? "records" : "evaluated"), lo, hi));
    }
    plot.series.push_back(std::move(s));
  }
  return {plot,
          "Accuracy (chosen scored above rejected) over all evaluated records and per subset; "
          "whiskers are bootstrap 95% intervals.",
          std::nullopt};
}

Panel Reliability(const std::vector<RunData>& runs) {
  PlotSpec plot;
  plot.title = "reliability";
  plot.x = Axis{"predicted P(preferred side is chosen)", 0.5, 1.0};
  plot.y = Axis{"observed accuracy", 0.0, 1.0};
  for (const RunData& run : runs) {
    if (!run.summary || !run.summary->contains("reliability")) continue;
    Series s{.label = run.name, .mark = Mark::kScatter, .color = run.index};
    for (const nlohmann::json& bin : (*run.summary)["reliability"]) {
      s.x.push_back(NumberAt(bin, "confidence"));
      s.y.push_back(NumberAt(bin, "accuracy"));
      s.notes.push_back(fmt::format("{} comparisons", NumberAt(bin, "count")));
    }
    if (plot.series.empty()) {
      s.fit = [](double x) { return x; };
      s.fit_label = "perfect calibration";
    }
    plot.series.push_back(std::move(s));
  }
  return {plot,
          "Each point is a bin of comparisons by the model's confidence; a calibrated model "
          "lies on the diagonal.",
          std::nullopt};
}

Panel MarginHistogram(const std::vector<RunData>& runs) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const RunData& run : runs) {
    for (const nlohmann::json& p : run.predictions) {
      const double m = NumberAt(p, "margin");
      if (std::isfinite(m)) lo = std::min(lo, m), hi = std::max(hi, m);
    }
  }
  PlotSpec plot;
  plot.title = "margin histogram";
  plot.x.title = "margin (chosen score - rejected score)";
  plot.y.title = "records";
  if (lo > hi) return {plot, "", std::nullopt};
  if (lo == hi) lo -= 0.5, hi += 0.5;
  const double width = (hi - lo) / kMarginBins;
  const int count = static_cast<int>(runs.size());
  for (int r = 0; r < count; ++r) {
    const RunData& run = runs[r];
    if (run.predictions.empty()) continue;
    std::vector<double> counts(kMarginBins, 0.0);
    for (const nlohmann::json& p : run.predictions) {
      const double m = NumberAt(p, "margin");
      if (!std::isfinite(m)) continue;
      counts[std::clamp(static_cast<int>((m - lo) / width), 0, kMarginBins - 1)] += 1;
    }
    Series s{.label = run.name, .mark = Mark::kBar, .color = run.index};
    s.bar_width = 0.9 * width / count;
    for (int b = 0; b < kMarginBins; ++b) {
      const double center = lo + (b + 0.5) * width;
      s.x.push_back(center + BarOffset(r, count, 0.9 * width));
      s.y.push_back(counts[b]);
      s.notes.push_back(
          fmt::format("margins {:.3g} to {:.3g}", center - width / 2, center + width / 2));
    }
    plot.series.push_back(std::move(s));
  }
  return {plot,
          "Per-record margins from predictions.jsonl; records right of zero are ranked correctly.",
          std::nullopt};
}

}  // namespace

std::vector<Section> EvalRmPanels(const std::vector<RunData>& runs) {
  Section section{"Reward-model evaluation",
                  "How often the model prefers the chosen response, how far to trust its "
                  "confidence, and how its margins spread.",
                  {},
                  "",
                  "eval-rm"};
  section.panels.push_back(AccuracyBars(runs));
  section.panels.push_back(Reliability(runs));
  bool any_predictions = false;
  for (const RunData& run : runs) any_predictions = any_predictions || !run.predictions.empty();
  if (any_predictions) section.panels.push_back(MarginHistogram(runs));
  return {section};
}

}  // namespace rlab::report
