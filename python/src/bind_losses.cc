// rewardlab._core.losses (see bindings.h for the conventions).
#include "bindings.h"

namespace rewardlab_python {

void BindLosses(py::module_& m) {}

}  // namespace rewardlab_python
