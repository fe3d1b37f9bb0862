// rewardlab._core: the extension module behind the `rewardlab` package. It registers the
// builtin registries once, maps rewardlab's errors to one Python exception type, and lets each
// area bind its own submodule (bindings.h).
#include "bindings.h"

#include "rlab/core/check.h"
#include "rlab/envs/registry.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/reward/signal/reward_specs.h"

namespace rewardlab_python {
namespace {

void RegisterRegistries() {
  rlab::envs::RegisterBuiltins();
  rlab::reward::RegisterBuiltins();
  rlab::pipeline::RegisterBuiltins();
}

}  // namespace
}  // namespace rewardlab_python

PYBIND11_MODULE(_core, m) {
  namespace rp = rewardlab_python;
  m.doc() = "rewardlab's C++ engine; import it through the `rewardlab` package";
  m.attr("__version__") = RLAB_VERSION;
  rp::RegisterRegistries();
  // rlab::Error -> rewardlab.RewardlabError (a RuntimeError), with rewardlab's message.
  static rp::py::exception<rlab::Error> error(m, "RewardlabError", PyExc_RuntimeError);
  rp::py::register_exception_translator([](std::exception_ptr raised) {
    try {
      if (raised) std::rethrow_exception(raised);
    } catch (const rlab::Error& e) {
      error(e.what());
    }
  });
  auto models = m.def_submodule("models", "models: HF directories, reward models, generation");
  rp::BindModels(models);
  auto losses = m.def_submodule("losses", "losses and estimators on your own tensors");
  rp::BindLosses(losses);
  auto envs = m.def_submodule("envs", "control environments and teachers");
  rp::BindEnvs(envs);
  auto distances = m.def_submodule("distances", "distances between reward functions");
  rp::BindDistances(distances);
  auto runs = m.def_submodule("runs", "runs from a config; Python reward sources");
  rp::BindRuns(runs);
}
