// Plots as inline SVG, drawn by our own code: line plots (runs over steps) and scatter plots
// with an optional fitted curve, on linear axes with nice ticks, tick labels, axis titles and
// a legend. Non-finite values are gaps; a lone point is drawn as a dot; a constant series is
// a flat line in the middle of a widened axis. The output depends only on the input, so two
// renders of the same plot are byte-identical.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rlab::report {

enum class Mark { kLine, kScatter };

struct Series {
  std::string label;      // legend text (a run name, "run / metric", ...)
  std::vector<double> x;  // same length as y; NaN or inf in either breaks a line (a gap)
  std::vector<double> y;
  Mark mark = Mark::kLine;
  // Optional fitted curve y = fit(x), drawn dashed in the series colour across the series'
  // x range and named "<label> (<fit_label>)" in the legend.
  std::function<double(double)> fit;
  std::string fit_label = "fit";
  int color = -1;  // index into the palette; -1: the series' position in the plot
};

struct Axis {
  std::string title;
  std::optional<double> min, max;  // fixed bounds (for example [0, 1] for an accuracy)
};

struct PlotSpec {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  int width = 560;   // pixels; the SVG scales down with the page
  int height = 320;  // plot area plus axes, without the legend rows
};

// A colour for series `index`: a palette of ten colours that stay apart for most readers
// (and in greyscale print), cycled with a dash pattern once there are more than ten series.
std::string SeriesColor(int index);
std::string SeriesDash(int index);  // "" for a solid line

// The plot as one <svg class="plot"> element, ready to inline in HTML.
std::string RenderSvg(const PlotSpec& plot);

}  // namespace rlab::report
