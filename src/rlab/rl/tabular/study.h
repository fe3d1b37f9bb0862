// Studies of what a reward means, checked exactly or with small learners where the answer is
// known: risk and return distributions, several reward channels, rewards that change with the
// policy, submodular rewards, the effective horizon, the stability of optimal policies under a
// moving reward. Each study is a method from the research run on the small task that can tell
// whether its paper's claim holds, and reports the property it checks as named figures; each
// lives in its own file under rl/tabular/ with its paper, and adding one is a file and a line
// in RegisterStudies(). `rlab study NAME(key=value, ...) --seeds 1,2,3` runs one over seeds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rlab/core/registry.h"

namespace rlab::rl::tabular {

// What one run of a study measured, figures in the order it reports them. Figures are finite
// numbers; a study that has nothing to report for a figure leaves it out rather than writing NaN.
struct StudyResult {
  std::vector<std::pair<std::string, double>> figures;
};

class Study {
 public:
  virtual ~Study() = default;
  // One sentence: the property this study checks and the figures that show it.
  virtual std::string Property() const = 0;
  // Deterministic per seed: every random draw comes from a generator seeded from `seed`.
  virtual StudyResult Run(uint64_t seed) const = 0;
};

using StudyRegistry = Registry<Study>;
StudyRegistry& Studies();
void RegisterStudies();  // safe to call more than once
// An unknown name or key fails listing the valid ones.
std::unique_ptr<Study> MakeStudy(std::string_view spec);

// The entries, each in the file named beside it with its paper.
StudyRegistry::Entry RoverStudy();                     // rover_study.cc
StudyRegistry::Entry PolicyCliffStudy();               // policy_cliff_study.cc
StudyRegistry::Entry EffectiveHorizonStudy();          // effective_horizon_study.cc
StudyRegistry::Entry PerformativeRlStudy();            // performative_rl_study.cc
StudyRegistry::Entry LipschitzGailStudy();             // lipschitz_gail_study.cc
StudyRegistry::Entry RubiksCubeStudy();                // rubiks_cube_policy_gradient.cc
StudyRegistry::Entry Md3qnStudy();                     // md3qn.cc
StudyRegistry::Entry OrchestratedValueMappingStudy();  // orchestrated_value_mapping.cc
StudyRegistry::Entry BarfiStudy();                     // barfi.cc
StudyRegistry::Entry SubpoStudy();                     // subpo_study.cc
StudyRegistry::Entry PamcStudy();                      // pamc_study.cc
StudyRegistry::Entry StockAugmentedDpStudy();          // stock_augmented_dp_study.cc
StudyRegistry::Entry ConvexScoringRiskStudy();         // convex_scoring_risk_study.cc

}  // namespace rlab::rl::tabular
