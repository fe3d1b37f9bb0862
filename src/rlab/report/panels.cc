#include "rlab/report/panels.h"

namespace rlab::report {

PanelRegistry& PipelinePanels() {
  static PanelRegistry registry("report panel set");
  return registry;
}

void RegisterPanels(const std::string& pipeline, const std::string& help, PanelSet::Builder build) {
  PipelinePanels().Register(
      {pipeline, help, {}, [build](const SpecArgs&) { return std::make_unique<PanelSet>(build); }});
}

std::vector<Section> PipelineSections(const std::vector<RunData>& runs) {
  RegisterBuiltins();
  std::vector<std::string> pipelines;
  for (const RunData& run : runs) {
    if (!run.pipeline.empty() && PipelinePanels().Contains(run.pipeline) &&
        std::find(pipelines.begin(), pipelines.end(), run.pipeline) == pipelines.end()) {
      pipelines.push_back(run.pipeline);
    }
  }
  std::vector<Section> sections;
  for (const std::string& pipeline : pipelines) {
    std::vector<RunData> subset;
    for (const RunData& run : runs) {
      if (run.pipeline == pipeline) subset.push_back(run);
    }
    for (Section& s : PipelinePanels().Create(pipeline)->Build(subset)) {
      sections.push_back(std::move(s));
    }
  }
  return sections;
}

}  // namespace rlab::report
