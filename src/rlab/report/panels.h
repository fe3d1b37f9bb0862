// Panels: the plots of a report, grouped in sections. Every report has the generic metric
// sections; a pipeline registers, under its name, the summary keys that are its headline (shown
// first, before anything else) and optionally its own sections (a scatter with a fitted curve,
// a calibration diagram, ...):
//
//   RegisterPanels("eval-rm", "accuracy with its interval, per subset, calibration",
//                  {"accuracy", "evaluated", "records"}, EvalRmPanels);
//
// The report picks panel sets by the `pipeline` field of each run's summary.json (or
// config.yaml) and builds each from the runs of that pipeline.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/report/run_data.h"
#include "rlab/report/svg_plot.h"

namespace rlab::report {

struct Panel {
  PlotSpec plot;
  std::string caption;  // a sentence under the plot, optional
  // A second plot drawn beside the first across the page's width (eval beside train).
  std::optional<PlotSpec> beside;
};

struct Section {
  std::string title;
  std::string intro;  // a sentence under the title, optional
  std::vector<Panel> panels;
  std::string html;  // markup before the panels (tables), already escaped
  std::string id;    // the element id; "" gives a numbered one
};

// A pipeline's headline keys and the builder of its own sections.
class PanelSet {
 public:
  using Builder = std::function<std::vector<Section>(const std::vector<RunData>& runs)>;
  PanelSet(std::vector<std::string> headline, Builder build)
      : headline_(std::move(headline)), build_(std::move(build)) {}
  // The summary keys (flat, "a.b") that say how the run went, most important first; a
  // metric logged as KEY or eval_KEY is also plotted over steps.
  const std::vector<std::string>& headline() const { return headline_; }
  std::vector<Section> Build(const std::vector<RunData>& runs) const {
    return build_ ? build_(runs) : std::vector<Section>{};
  }

 private:
  std::vector<std::string> headline_;
  Builder build_;
};

using PanelRegistry = Registry<PanelSet>;
// Panel sets by pipeline name.
PanelRegistry& PipelinePanels();
void RegisterPanels(const std::string& pipeline, const std::string& help,
                    std::vector<std::string> headline, PanelSet::Builder build = nullptr);
// Registers the panel sets of the pipelines that ship with rewardlab (safe to call again).
void RegisterBuiltins();

// The registered pipelines among `runs`, in order of first appearance.
std::vector<std::string> RegisteredPipelines(const std::vector<RunData>& runs);
// The runs of one pipeline.
std::vector<RunData> RunsOf(const std::vector<RunData>& runs, const std::string& pipeline);

// The sections of every registered pipeline among `runs`, in order of first appearance,
// each built from the runs of that pipeline only.
std::vector<Section> PipelineSections(const std::vector<RunData>& runs);

// Panel builders of the shipped pipelines (one file each).
std::vector<Section> EvalRmPanels(const std::vector<RunData>& runs);
std::vector<Section> PbrlPanels(const std::vector<RunData>& runs);

}  // namespace rlab::report
