#include "rlab/report/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "rlab/report/escape.h"
#include "rlab/report/scale.h"

namespace rlab::report {

namespace {

constexpr double kCharWidth = 6.6;  // rough width of one 12px character
constexpr double kTitleHeight = 26;
constexpr double kLegendRow = 18;
constexpr double kBottom = 46;  // x tick labels and x axis title
constexpr double kRight = 18;
constexpr double kPad = 5;  // room around the plot area so edge dots are not cut
constexpr int kFitSamples = 120;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr std::array<const char*, 10> kPalette = {"#1f5fbf", "#e8710a", "#2e9e44", "#d0312d",
                                                  "#8a55c7", "#8c564b", "#d45fb0", "#6b6b6b",
                                                  "#a8a51c", "#17a2b8"};
constexpr std::array<const char*, 3> kDashes = {"", "7 3", "2 2"};

double TextWidth(const std::string& text) { return kCharWidth * static_cast<double>(text.size()); }

bool Finite(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// The finite x range of one series' points, where its fitted curve is drawn.
Range XRange(const Series& s) {
  Range r;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    if (Finite(s.x[i], s.y[i])) r.Add(s.x[i]);
  }
  return r;
}

std::vector<std::pair<double, double>> FitSamples(const Series& s) {
  std::vector<std::pair<double, double>> points;
  const Range r = XRange(s);
  if (!s.fit || r.empty() || r.lo == r.hi) return points;
  for (int i = 0; i < kFitSamples; ++i) {
    const double x = r.lo + (r.hi - r.lo) * i / (kFitSamples - 1);
    points.emplace_back(x, s.fit(x));
  }
  return points;
}

// One axis: data range, fixed bounds where given, nice ticks inside the final domain.
struct AxisLayout {
  double lo, hi;
  Ticks ticks;
  std::vector<std::string> labels;
};

AxisLayout LayoutAxis(Range data, const Axis& axis, int target) {
  if (axis.min) data.Add(*axis.min);
  if (axis.max) data.Add(*axis.max);
  if (data.empty()) data = Range{0, 1};
  AxisLayout a;
  a.ticks = NiceTicks(data.lo, data.hi, target);
  a.lo = axis.min ? *axis.min : a.ticks.lo;
  a.hi = axis.max ? *axis.max : a.ticks.hi;
  if (a.lo >= a.hi) a.hi = a.lo + 1;
  const double eps = a.ticks.step * 1e-6;
  std::erase_if(a.ticks.values, [&](double v) { return v < a.lo - eps || v > a.hi + eps; });
  a.labels = FormatTicks(a.ticks);
  return a;
}

struct LegendItem {
  std::string text;
  std::string color;
  std::string dash;
  bool dot;  // a dot (scatter) rather than a line segment
};

struct Canvas {
  std::string out;
  template <class... Args>
  void Add(fmt::format_string<Args...> f, Args&&... args) {
    out += fmt::format(f, std::forward<Args>(args)...);
    out += '\n';
  }
};

std::string DashAttr(const std::string& dash) {
  return dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash);
}

// Path data for a polyline with gaps: a new subpath after every non-finite point. Points on
// their own (between two gaps, or a one-point series) come back in `lone`, to be drawn as dots.
// Points that fall in one pixel column collapse to the first, lowest, highest and last of them,
// which draws the same line: the plot of a million logged steps stays small.
std::string PathData(const std::vector<std::pair<double, double>>& pixels,
                     std::vector<std::pair<double, double>>* lone) {
  std::string d, last;
  int run_points = 0;  // distinct points written for the current piece of line
  std::pair<double, double> run_first;
  std::vector<std::pair<double, double>> column;  // the points of the current pixel column
  auto emit = [&](const std::pair<double, double>& p) {
    const std::string xy = fmt::format("{:.1f} {:.1f}", p.first, p.second);
    if (xy == last) return;  // the same pixel as the previous point adds nothing
    if (run_points == 0) run_first = p;
    d += (run_points == 0 ? "M" : "L") + xy;
    last = xy;
    ++run_points;
  };
  auto flush_column = [&] {
    if (column.size() > 4) {
      auto by_y = [](const auto& a, const auto& b) { return a.second < b.second; };
      const auto [lo, hi] = std::minmax_element(column.begin() + 1, column.end() - 1, by_y);
      const bool lo_first = lo < hi;
      column = {column.front(), lo_first ? *lo : *hi, lo_first ? *hi : *lo, column.back()};
    }
    for (const auto& p : column) emit(p);
    column.clear();
  };
  auto close_run = [&] {
    flush_column();
    if (run_points == 1) lone->push_back(run_first);
    run_points = 0;
    last.clear();
  };
  for (const auto& p : pixels) {
    if (!Finite(p.first, p.second)) {
      close_run();
      continue;
    }
    if (!column.empty() && std::floor(column.front().first) != std::floor(p.first)) flush_column();
    column.push_back(p);
  }
  close_run();
  return d;
}

int ColorIndex(const Series& s, size_t position) {
  return s.color >= 0 ? s.color : static_cast<int>(position);
}

// Legend entries (a fitted curve gets its own), laid out left to right in rows under the title.
struct Legend {
  std::vector<LegendItem> items;
  std::vector<std::pair<double, double>> positions;  // top-left of each entry
  double height = 0;
};

Legend LayoutLegend(const PlotSpec& plot, double top) {
  Legend legend;
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const Series& s = plot.series[i];
    const int ci = ColorIndex(s, i);
    legend.items.push_back({s.label, SeriesColor(ci), SeriesDash(ci), s.mark == Mark::kScatter});
    if (s.fit) {
      legend.items.push_back(
          {fmt::format("{} ({})", s.label, s.fit_label), SeriesColor(ci), "6 4", false});
    }
  }
  double x = 12, y = top;
  for (const LegendItem& item : legend.items) {
    const double w = 28 + TextWidth(item.text) + 14;
    if (x > 12 && x + w > plot.width - kRight) x = 12, y += kLegendRow;
    legend.positions.emplace_back(x, y);
    x += w;
  }
  legend.height = legend.items.empty() ? 0 : y - top + kLegendRow + 6;
  return legend;
}

void DrawLegend(const Legend& legend, Canvas& c) {
  c.Add(R"(<g class="legend">)");
  for (size_t i = 0; i < legend.items.size(); ++i) {
    const LegendItem& item = legend.items[i];
    const auto [ex, ey] = legend.positions[i];
    const double mid = ey + kLegendRow / 2;
    c.Add(R"(<g class="legend-entry">)");
    if (item.dot) {
      c.Add(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}"/>)", ex + 11, mid, item.color);
    } else {
      c.Add(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" )"
            R"(stroke-width="2.5"{}/>)",
            ex, mid, ex + 22, mid, item.color, DashAttr(item.dash));
    }
    c.Add(R"(<text x="{:.1f}" y="{:.1f}" fill="#333">{}</text>)", ex + 28, mid + 4,
          Escape(item.text));
    c.Add("</g>");
  }
  c.Add("</g>");
}

// The plot area in pixels and the maps from data to it.
struct Frame {
  double left, top, right, bottom, height;
  LinearScale sx, sy;
};

void DrawAxes(const PlotSpec& plot, const Frame& f, const AxisLayout& ax, const AxisLayout& ay,
              Canvas& c) {
  c.Add(R"(<g class="axes" stroke-width="1">)");
  for (size_t i = 0; i < ay.ticks.values.size(); ++i) {
    const double y = f.sy(ay.ticks.values[i]);
    c.Add(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e6e6e6"/>)", f.left, y,
          f.right, y);
    c.Add(R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="end" fill="#555">{}</text>)",
          f.left - 6, y + 4, Escape(ay.labels[i]));
  }
  for (size_t i = 0; i < ax.ticks.values.size(); ++i) {
    const double x = f.sx(ax.ticks.values[i]);
    c.Add(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#e6e6e6"/>)", x, f.top,
          x, f.bottom);
    c.Add(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="#444"/>)", x, f.bottom,
          x, f.bottom + 4);
    c.Add(R"(<text class="tick" x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#555">{}</text>)",
          x, f.bottom + 17, Escape(ax.labels[i]));
  }
  c.Add(R"(<path d="M{:.1f} {:.1f}V{:.1f}H{:.1f}" fill="none" stroke="#444"/>)", f.left, f.top,
        f.bottom, f.right);
  if (!plot.x.title.empty()) {
    c.Add(R"(<text class="axis-title" x="{:.1f}" y="{:.1f}" text-anchor="middle" )"
          R"(fill="#222">{}</text>)",
          (f.left + f.right) / 2, f.height - 8, Escape(plot.x.title));
  }
  if (!plot.y.title.empty()) {
    c.Add(R"svg(<text class="axis-title" transform="translate(14 {:.1f}) rotate(-90)" )svg"
          R"svg(text-anchor="middle" fill="#222">{}</text>)svg",
          (f.top + f.bottom) / 2, Escape(plot.y.title));
  }
  c.Add("</g>");
}

void DrawSeries(const Series& s, int ci, const std::vector<std::pair<double, double>>& fit,
                const Frame& f, Canvas& c) {
  const std::string color = SeriesColor(ci);
  c.Add(R"(<g class="series" data-label="{}">)", Escape(s.label));
  std::vector<std::pair<double, double>> pixels;
  for (size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
    const bool ok = Finite(s.x[k], s.y[k]);
    pixels.emplace_back(ok ? f.sx(s.x[k]) : kNaN, ok ? f.sy(s.y[k]) : kNaN);
  }
  if (s.mark == Mark::kLine) {
    std::vector<std::pair<double, double>> lone;
    const std::string d = PathData(pixels, &lone);
    if (d.find('L') != std::string::npos) {
      c.Add(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round" )"
            R"(stroke-linecap="round"{}/>)",
            d, color, DashAttr(SeriesDash(ci)));
    }
    for (const auto& [px, py] : lone) {
      c.Add(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>)", px, py, color);
    }
  } else {
    for (size_t k = 0; k < pixels.size(); ++k) {
      if (!Finite(pixels[k].first, pixels[k].second)) continue;
      c.Add(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}" fill-opacity="0.75">)"
            R"(<title>{}: ({}, {})</title></circle>)",
            pixels[k].first, pixels[k].second, color, Escape(s.label), FormatNumber(s.x[k]),
            FormatNumber(s.y[k]));
    }
  }
  if (!fit.empty()) {
    std::vector<std::pair<double, double>> fit_pixels, lone;
    for (const auto& [x, y] : fit)
      fit_pixels.emplace_back(f.sx(x), std::isfinite(y) ? f.sy(y) : kNaN);
    c.Add(R"(<path class="fit" d="{}" fill="none" stroke="{}" stroke-width="2" )"
          R"(stroke-dasharray="6 4"/>)",
          PathData(fit_pixels, &lone), color);
  }
  c.Add("</g>");
}

}  // namespace

std::string SeriesColor(int index) {
  return kPalette[static_cast<size_t>(std::max(index, 0)) % kPalette.size()];
}

std::string SeriesDash(int index) {
  return kDashes[(static_cast<size_t>(std::max(index, 0)) / kPalette.size()) % kDashes.size()];
}

std::string RenderSvg(const PlotSpec& plot) {
  // Data ranges, including the fitted curves.
  Range xr, yr;
  std::vector<std::vector<std::pair<double, double>>> fits;
  for (const Series& s : plot.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (Finite(s.x[i], s.y[i])) xr.Add(s.x[i]), yr.Add(s.y[i]);
    }
    fits.push_back(FitSamples(s));
    for (const auto& [x, y] : fits.back()) {
      if (Finite(x, y)) yr.Add(y);
    }
  }

  const double width = plot.width;
  const double title_h = plot.title.empty() ? 8 : kTitleHeight;
  const Legend legend = LayoutLegend(plot, title_h);
  const AxisLayout ax = LayoutAxis(xr, plot.x, std::max(2, plot.width / 110));
  const AxisLayout ay = LayoutAxis(yr, plot.y, std::max(2, plot.height / 60));
  size_t y_label_chars = 1;
  for (const std::string& l : ay.labels) y_label_chars = std::max(y_label_chars, l.size());
  const double left = (plot.y.title.empty() ? 10 : 28) + kCharWidth * y_label_chars + 8;
  const double top = title_h + legend.height + 6;
  const double height = plot.height + legend.height;
  const double bottom = height - kBottom, right = width - kRight;
  const Frame f{left,
                top,
                right,
                bottom,
                height,
                LinearScale(ax.lo, ax.hi, left, right),
                LinearScale(ay.lo, ay.hi, bottom, top)};

  Canvas c;
  c.Add(R"(<svg class="plot" xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" )"
        R"(viewBox="0 0 {0} {1}" font-family="system-ui, sans-serif" font-size="12" )"
        R"(data-title="{2}" role="img" aria-label="{2}">)",
        width, height, Escape(plot.title));
  c.Add(R"(<rect width="{}" height="{}" fill="#ffffff"/>)", width, height);
  if (!plot.title.empty()) {
    c.Add(R"(<text class="title" x="{:.1f}" y="18" text-anchor="middle" font-size="14" )"
          R"(font-weight="600" fill="#222">{}</text>)",
          width / 2, Escape(plot.title));
  }
  DrawLegend(legend, c);
  DrawAxes(plot, f, ax, ay, c);
  // The data, clipped to the plot area by a nested <svg> (no ids to keep unique on a page).
  c.Add(R"(<svg class="data" x="{0:.1f}" y="{1:.1f}" width="{2:.1f}" height="{3:.1f}" )"
        R"(viewBox="{0:.1f} {1:.1f} {2:.1f} {3:.1f}" overflow="hidden">)",
        left - kPad, top - kPad, right - left + 2 * kPad, bottom - top + 2 * kPad);
  for (size_t i = 0; i < plot.series.size(); ++i) {
    DrawSeries(plot.series[i], ColorIndex(plot.series[i], i), fits[i], f, c);
  }
  c.Add("</svg>");
  if (xr.empty()) {
    c.Add(R"(<text class="no-data" x="{:.1f}" y="{:.1f}" text-anchor="middle" fill="#888">)"
          R"(no finite values to plot</text>)",
          (left + right) / 2, (top + bottom) / 2);
  }
  c.Add("</svg>");
  return c.out;
}

}  // namespace rlab::report
