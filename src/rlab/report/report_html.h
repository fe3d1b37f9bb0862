// The report: one self-contained HTML file (styles inline, plots as inline SVG, no scripts
// and no network requests) comparing one or more runs: the pipelines' headline figures first,
// the runs and their status, the settings that differ between them, the pipelines' own panels,
// sample completions, every metric grouped by prefix (training beside held-out), the summary
// numbers side by side (flattened) and each run's config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rlab/report/metric_panels.h"
#include "rlab/report/run_data.h"

namespace rlab::report {

// The page for runs already loaded. Deterministic: the same runs give the same bytes.
std::string RenderReportHtml(const std::vector<RunData>& runs, const ReportOptions& options = {});

// Reads the run directories, writes the report to `out` atomically and returns `out`.
std::filesystem::path WriteReport(const std::vector<std::filesystem::path>& run_dirs,
                                  const std::filesystem::path& out,
                                  const ReportOptions& options = {});

}  // namespace rlab::report
