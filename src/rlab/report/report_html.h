// The report: one self-contained HTML file (styles inline, plots as inline SVG, no scripts
// and no network requests) comparing one or more runs: the runs, the pipelines' own panels,
// a plot for every metric, the summary numbers side by side and each run's config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rlab/report/run_data.h"

namespace rlab::report {

// The page for runs already loaded. Deterministic: the same runs give the same bytes.
std::string RenderReportHtml(const std::vector<RunData>& runs);

// Reads the run directories, writes the report to `out` atomically and returns `out`.
std::filesystem::path WriteReport(const std::vector<std::filesystem::path>& run_dirs,
                                  const std::filesystem::path& out);

}  // namespace rlab::report
