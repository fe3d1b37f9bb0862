// How the report names a run and its state: a colour swatch with the run's name, its status
// (finished, interrupted, failed with its error, not finished), and the table of runs.
#pragma once

#include <string>
#include <vector>

#include "rlab/report/run_data.h"

namespace rlab::report {

// The run's colour swatch and escaped name, as markup.
std::string RunLabel(const RunData& run);

// The run's status as markup: "finished", or a highlighted "interrupted (resumable with
// --resume)", "failed: ERROR" or "not finished (no summary.json)".
std::string StatusHtml(const RunData& run);

// The "Runs" section: name, pipeline, status, metric lines, last step, directory.
std::string RunsTable(const std::vector<RunData>& runs);

}  // namespace rlab::report
