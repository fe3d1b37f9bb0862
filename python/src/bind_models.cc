// rewardlab._core.models (see bindings.h for the conventions).
#include "bindings.h"

namespace rewardlab_python {

void BindModels(py::module_& m) {}

}  // namespace rewardlab_python
