// Repeats of one experiment: runs whose configs differ only in run.seed (and in settings that
// do not change what a run computes: its name, directory, thread counts, checkpoint cadence,
// provenance). Plots draw such a group as one line, the mean over its seeds, inside a band of
// plus and minus one standard deviation.
#pragma once

#include <string>
#include <vector>

#include "rlab/report/run_data.h"
#include "rlab/report/svg_plot.h"

namespace rlab::report {

// Sets seed_group on every run of a group of two or more runs with distinct seeds and
// otherwise equal settings (runs without config.yaml are never grouped).
void AssignSeedGroups(std::vector<RunData>& runs);

// The runs as plots draw them: each seed group together (in the order of its first run), each
// other run on its own.
std::vector<std::vector<const RunData*>> PlotUnits(const std::vector<RunData>& runs);

// "NAME + 2 more (3 seeds)": the legend text of a group.
std::string GroupLabel(const std::vector<const RunData*>& group);

// `metric` over step for a unit of PlotUnits: the run's own series, or for a group the mean at
// the steps every member logged (finite) with band_lo/band_hi at mean -+ the sample standard
// deviation. Empty x when no member logged the metric.
Series UnitSeries(const std::vector<const RunData*>& unit, const std::string& metric);

}  // namespace rlab::report
