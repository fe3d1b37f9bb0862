// rewardlab._core.distances (see bindings.h for the conventions).
#include "bindings.h"

namespace rewardlab_python {

void BindDistances(py::module_& m) {}

}  // namespace rewardlab_python
