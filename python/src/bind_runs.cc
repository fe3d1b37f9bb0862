// rewardlab._core.runs (see bindings.h for the conventions).
#include "bindings.h"

namespace rewardlab_python {

void BindRuns(py::module_& m) {}

}  // namespace rewardlab_python
