#include "rlab/envs/acrobot.h"
#include "rlab/envs/cartpole.h"
#include "rlab/envs/mountain_car.h"
#include "rlab/envs/mountain_car_continuous.h"
#include "rlab/envs/pendulum.h"
#include "rlab/envs/registry.h"

namespace rlab::envs {

EnvRegistry& Envs() {
  static EnvRegistry registry("environment");
  return registry;
}

void RegisterBuiltins() {
  EnvRegistry& r = Envs();
  if (!RegisterOnce(r)) return;
  for (EnvRegistry::Entry (*entry)() : {&CartPoleEntry, &PendulumEntry, &MountainCarEntry,
                                        &MountainCarContinuousEntry, &AcrobotEntry}) {
    EnvRegistry::Entry e = entry();
    r.Register(std::move(e));
  }
}

std::unique_ptr<VectorEnv> Make(std::string_view spec, int64_t num_envs, uint64_t seed) {
  RLAB_CHECK(!Envs().List().empty(),
             "no environments are registered; call rlab::envs::RegisterBuiltins() first");
  return Envs().Create(spec, num_envs, seed);
}

}  // namespace rlab::envs
