// Comparing runs' settings: the config keys whose values differ between the runs (one column
// per run, provenance left out), so that a reader sees at once what was changed.
#pragma once

#include <string>
#include <vector>

#include "rlab/report/panels.h"

namespace rlab::report {

// The flat keys ("section.key") whose values are not the same in every run, sorted; a key a
// run does not have counts as different. Keys under provenance are left out.
std::vector<std::string> DifferingSettings(const std::vector<RunData>& runs);

// Section id "config-diff" with the table of DifferingSettings (a sentence when there are
// none), and which runs were drawn as one seed group.
Section ConfigDiffSection(const std::vector<RunData>& runs);

}  // namespace rlab::report
