// The teacher registry: `oracle`, `stochastic`, `mistake`, `myopic`, `skip`, `equal` (B-Pref's
// presets, Lee et al., arXiv:2111.03026, section 3.2), `scripted(beta=..., gamma=...,
// eps_mistake=..., eps_skip=..., eps_equal=...)` with every knob, and
// `bradley_terry(temperature=1, discount=1)` (the imitation library's synthetic teacher).
// Every preset takes the same keys as `scripted`, with the preset's values as defaults, so
// `mistake(eps_mistake=0.2)` is a mistake teacher with a different rate.
#pragma once

#include <memory>
#include <string_view>

#include "rlab/core/registry.h"
#include "rlab/feedback/teacher.h"

namespace rlab::feedback {

using TeacherRegistry = Registry<Teacher>;
TeacherRegistry& Teachers();

// Registers the builtin teachers (safe to call more than once).
void RegisterTeachers();

// The teacher a spec names (registers the builtins first); an unknown name or key fails and
// lists what is valid.
std::unique_ptr<Teacher> MakeTeacher(std::string_view spec);

}  // namespace rlab::feedback
