// The teachers of rlab/feedback in rewardlab._core.envs: B-Pref's scripted teachers and the
// others of the teacher registry, labelling segment pairs given as tensors.
#pragma once

#include "bindings.h"

namespace rewardlab_python {

void BindTeachers(py::module_& m);

}  // namespace rewardlab_python
