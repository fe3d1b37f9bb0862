#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

StudyRegistry& Studies() {
  static StudyRegistry registry("study");
  return registry;
}

void RegisterStudies() {
  StudyRegistry& reg = Studies();
  if (!RegisterOnce(reg)) return;
  reg.Register(RoverStudy());
  reg.Register(PolicyCliffStudy());
  reg.Register(EffectiveHorizonStudy());
  reg.Register(RubiksCubeStudy());
  reg.Register(PerformativeRlStudy());
  reg.Register(LipschitzGailStudy());
  reg.Register(Md3qnStudy());
  reg.Register(OrchestratedValueMappingStudy());
  reg.Register(BarfiStudy());
  reg.Register(SubpoStudy());
  reg.Register(PamcStudy());
  reg.Register(StockAugmentedDpStudy());
  reg.Register(ConvexScoringRiskStudy());
}

std::unique_ptr<Study> MakeStudy(std::string_view spec) {
  RegisterStudies();
  return Studies().Create(spec);
}

}  // namespace rlab::rl::tabular
