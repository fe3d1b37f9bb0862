// Panels: the plots of a report, grouped in sections. Every report has the generic "every
// metric" section; a pipeline can add its own sections first (a headline, a scatter with a
// fitted curve, a calibration diagram, ...) by registering a panel set under its name:
//
//   RegisterPanels("bt-recovery", "held-out accuracy and Pearson over steps", BtRecoveryPanels);
//
// The report picks panel sets by the `pipeline` field of each run's summary.json (or
// config.yaml) and builds each from the runs of that pipeline.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/report/run_data.h"
#include "rlab/report/svg_plot.h"

namespace rlab::report {

struct Panel {
  PlotSpec plot;
  std::string caption;  // a sentence under the plot, optional
};

struct Section {
  std::string title;
  std::string intro;  // a sentence under the title, optional
  std::vector<Panel> panels;
};

// Builds a pipeline's own sections from the runs of that pipeline.
class PanelSet {
 public:
  using Builder = std::function<std::vector<Section>(const std::vector<RunData>& runs)>;
  explicit PanelSet(Builder build) : build_(std::move(build)) {}
  std::vector<Section> Build(const std::vector<RunData>& runs) const { return build_(runs); }

 private:
  Builder build_;
};

using PanelRegistry = Registry<PanelSet>;
// Panel sets by pipeline name.
PanelRegistry& PipelinePanels();
void RegisterPanels(const std::string& pipeline, const std::string& help, PanelSet::Builder build);
// Registers the panel sets of the pipelines that ship with rewardlab (safe to call again).
void RegisterBuiltins();

// The sections of every registered pipeline among `runs`, in order of first appearance,
// each built from the runs of that pipeline only.
std::vector<Section> PipelineSections(const std::vector<RunData>& runs);

}  // namespace rlab::report
