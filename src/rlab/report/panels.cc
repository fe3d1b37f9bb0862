#include "rlab/report/panels.h"

#include <algorithm>

namespace rlab::report {

PanelRegistry& PipelinePanels() {
  static PanelRegistry registry("report panel set");
  return registry;
}

void RegisterPanels(const std::string& pipeline, const std::string& help,
                    std::vector<std::string> headline, PanelSet::Builder build) {
  PipelinePanels().Register({pipeline, help, {}, [headline, build](const SpecArgs&) {
                               return std::make_unique<PanelSet>(headline, build);
                             }});
}

std::vector<std::string> RegisteredPipelines(const std::vector<RunData>& runs) {
  RegisterBuiltins();
  std::vector<std::string> pipelines;
  for (const RunData& run : runs) {
    if (!run.pipeline.empty() && PipelinePanels().Contains(run.pipeline) &&
        std::find(pipelines.begin(), pipelines.end(), run.pipeline) == pipelines.end()) {
      pipelines.push_back(run.pipeline);
    }
  }
  return pipelines;
}

std::vector<RunData> RunsOf(const std::vector<RunData>& runs, const std::string& pipeline) {
  std::vector<RunData> subset;
  for (const RunData& run : runs) {
    if (run.pipeline == pipeline) subset.push_back(run);
  }
  return subset;
}

std::vector<Section> PipelineSections(const std::vector<RunData>& runs) {
  std::vector<Section> sections;
  for (const std::string& pipeline : RegisteredPipelines(runs)) {
    for (Section& s : PipelinePanels().Create(pipeline)->Build(RunsOf(runs, pipeline))) {
      sections.push_back(std::move(s));
    }
  }
  return sections;
}

}  // namespace rlab::report
