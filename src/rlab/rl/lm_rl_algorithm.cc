#include "rlab/rl/lm_rl_algorithm.h"

#include "rlab/core/check.h"

namespace rlab::rl {

LmRlAlgorithmRegistry& LmRlAlgorithms() {
  static LmRlAlgorithmRegistry registry("algo");
  return registry;
}

void RegisterLmRlAlgorithms() {
  LmRlAlgorithmRegistry& reg = LmRlAlgorithms();
  if (!RegisterOnce(reg)) return;
  reg.Register(GrpoAlgorithm());
  reg.Register(DrGrpoAlgorithm());
  reg.Register(DapoAlgorithm());
  reg.Register(RlooAlgorithm());
  reg.Register(ReinforcePpAlgorithm());
  reg.Register(BnpoAlgorithm());
  reg.Register(PpoAlgorithm());
  reg.Register(BestOfNAlgorithm());
}

std::unique_ptr<LmRlAlgorithm> MakeLmRlAlgorithm(std::string_view spec) {
  RegisterLmRlAlgorithms();
  return LmRlAlgorithms().Create(spec);
}

void CheckGroupSize(const LmRlAlgorithm& algorithm, int64_t group_size) {
  RLAB_CHECK(
      group_size >= algorithm.MinGroupSize(), "group_size must be >= {} for algo {} ({}), got {}",
      algorithm.MinGroupSize(), algorithm.name,
      algorithm.group_baseline ? "a group baseline needs two samples" : "one sample", group_size);
}

LmRlAlgorithmRegistry::Entry FixedLmRlAlgorithm(std::string name, std::string help,
                                                LmRlAlgorithm algorithm) {
  algorithm.name = name;
  return {std::move(name), std::move(help), {}, [algorithm](const SpecArgs&) {
            return std::make_unique<LmRlAlgorithm>(algorithm);
          }};
}

}  // namespace rlab::rl
