// Sample completions: what the model wrote for a few prompts at each evaluation
// (samples.jsonl), with their reward and gold reward, the latest evaluation first and the
// earlier ones folded away.
#pragma once

#include <vector>

#include "rlab/report/panels.h"

namespace rlab::report {

// Section id "samples"; empty title when no run has samples.
Section SamplesSection(const std::vector<RunData>& runs);

}  // namespace rlab::report
