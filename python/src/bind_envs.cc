// rewardlab._core.envs (see bindings.h for the conventions).
#include "bindings.h"

namespace rewardlab_python {

void BindEnvs(py::module_& m) {}

}  // namespace rewardlab_python
