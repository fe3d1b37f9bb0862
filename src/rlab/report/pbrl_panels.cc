// pbrl: the labels the run asked its teacher for and got over time (feedback.jsonl, else the
// labels_asked / labels_answered metrics), and how well the reward model agrees with the
// teacher's labels (rm/train_accuracy) and with the true preference on held-out pairs
// (reward_pearson over steps; rm_accuracy in the headline).
#include <fmt/format.h>

#include <array>
#include <map>

#include "rlab/report/metric_panels.h"
#include "rlab/report/panels.h"

namespace rlab::report {

namespace {

// Cumulative counts of asked, answered (not skipped) and tied labels at each step where
// feedback.jsonl has queries.
struct LabelCounts {
  std::vector<double> steps, asked, answered, ties;
};

LabelCounts CountLabels(const RunData& run) {
  std::map<double, std::array<double, 3>> per_step;  // asked, answered, ties
  for (const nlohmann::json& row : run.feedback) {
    const auto step = row.find("step");
    auto& counts = per_step[step != row.end() && step->is_number() ? step->get<double>() : 0];
    counts[0] += 1;
    const auto label = row.find("label");
    if (label != row.end() && label->is_number()) {
      counts[1] += 1;
      if (label->get<double>() == 0.5) counts[2] += 1;
    }
  }
  LabelCounts out;
  std::array<double, 3> total = {0, 0, 0};
  for (const auto& [step, counts] : per_step) {
    for (int i = 0; i < 3; ++i) total[i] += counts[i];
    out.steps.push_back(step);
    out.asked.push_back(total[0]);
    out.answered.push_back(total[1]);
    out.ties.push_back(total[2]);
  }
  return out;
}

Panel LabelsOverTime(const std::vector<RunData>& runs) {
  PlotSpec plot;
  plot.title = "labels asked and answered";
  plot.x.title = "environment step";
  plot.y.title = "labels (cumulative)";
  for (const RunData& run : runs) {
    const auto add = [&](const std::string& what, std::vector<double> x, std::vector<double> y,
                         int dash_offset) {
      Series s{.label = run.name + " " + what, .x = std::move(x), .y = std::move(y)};
      s.color = run.index + dash_offset;  // same hue family, a different dash per kind
      plot.series.push_back(std::move(s));
    };
    if (!run.feedback.empty()) {
      const LabelCounts c = CountLabels(run);
      add("asked", c.steps, c.asked, 0);
      add("answered", c.steps, c.answered, 10);
      add("ties", c.steps, c.ties, 20);
      continue;
    }
    for (const char* metric : {"labels_asked", "labels_answered"}) {
      if (const MetricSeries* m = run.Metric(metric)) {
        add(std::string(metric).substr(7), m->steps, m->values,
            std::string(metric) == "labels_asked" ? 0 : 10);
      }
    }
  }
  return {plot,
          "Queries asked of the teacher and those it answered (skips excluded; ties are "
          "answers of 0.5), from feedback.jsonl.",
          std::nullopt};
}

}  // namespace

std::vector<Section> PbrlPanels(const std::vector<RunData>& runs) {
  Section section{"Preference feedback",
                  "What the run asked its teacher, and how far the learned reward follows it.",
                  {},
                  "",
                  "pbrl"};
  section.panels.push_back(LabelsOverTime(runs));
  section.panels.push_back(
      {MetricOverSteps(runs, "rm/train_accuracy", "reward model vs teacher labels",
                       Axis{"agreement", 0.0, 1.0}),
       "Share of the teacher's labels the reward model ranks the same way (training labels).",
       std::nullopt});
  section.panels.push_back(
      {MetricOverSteps(runs, "reward_pearson", "learned vs true reward",
                       Axis{"Pearson correlation", std::nullopt, 1.0}),
       "Correlation of the learned reward with the environment's reward on held-out segments.",
       std::nullopt});
  return {section};
}

}  // namespace rlab::report
