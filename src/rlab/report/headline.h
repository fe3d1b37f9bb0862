// The headline: what each run's pipeline says matters most (its registered headline keys),
// first on the page, as a table of the summary values (with their 95% intervals where the
// summary has KEY_ci95) and a plot over steps of each headline key a run logged as a metric.
#pragma once

#include <vector>

#include "rlab/report/panels.h"

namespace rlab::report {

// Section id "headline"; a run that did not finish says so in the first row.
Section HeadlineSection(const std::vector<RunData>& runs);

}  // namespace rlab::report
