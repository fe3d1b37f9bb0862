// Plots as inline SVG, drawn by our own code: line plots (runs over steps, optionally with a
// shaded band such as mean +- std over seeds), scatter plots with an optional fitted curve and
// bar charts (optionally with error bars, over numbers or named categories), on linear or
// logarithmic axes with nice ticks, tick labels, axis titles and a legend. Every data point
// carries an SVG <title>, which browsers show on hover. Non-finite values are gaps; a lone
// point is drawn as a dot; a constant series is a flat line in the middle of a widened axis.
// The output depends only on the input, so two renders of the same plot are byte-identical.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rlab::report {

enum class Mark { kLine, kScatter, kBar };

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
  // A shaded band from band_lo[i] to band_hi[i] at x[i] (lines only; empty: none).
  std::vector<double> band_lo, band_hi;
  // Bars: each bar spans x +- bar_width / 2 from 0 to y; error bars from err_lo[i] to
  // err_hi[i] where given (empty: none; a NaN end: none for that bar).
  double bar_width = 0.8;
  std::vector<double> err_lo, err_hi;
  // Extra text for each point's hover title (empty: none), such as a bin's count.
  std::vector<std::string> notes;
};

struct Axis {
  std::string title;
  std::optional<double> min, max;  // fixed bounds (for example [0, 1] for an accuracy)
  // Logarithmic (base 10): ticks at powers of ten; values <= 0 are gaps.
  bool log = false;
  // Named categories (x axis of a bar chart): category i sits at x = i and is its tick label.
  std::vector<std::string> categories;
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
