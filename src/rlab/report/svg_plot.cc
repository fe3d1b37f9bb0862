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

// A value in axis units: its log10 on a logarithmic axis (NaN when not positive).
double AxisValue(const Axis& axis, double v) {
  if (!axis.log) return v;
  return v > 0 ? std::log10(v) : kNaN;
}

// `data` is in axis units (see AxisValue).
AxisLayout LayoutAxis(Range data, const Axis& axis, int target) {
  AxisLayout a;
  if (!axis.categories.empty()) {  // one tick per category, half a slot of room either side
    a.lo = -0.5;
    a.hi = static_cast<double>(axis.categories.size()) - 0.5;
    for (size_t i = 0; i < axis.categories.size(); ++i) {
      a.ticks.values.push_back(static_cast<double>(i));
      a.labels.push_back(axis.categories[i]);
    }
    return a;
  }
  if (axis.min) data.Add(AxisValue(axis, *axis.min));
  if (axis.max) data.Add(AxisValue(axis, *axis.max));
  if (data.empty()) data = Range{0, 1};
  a.ticks = axis.log ? LogTicks(data.lo, data.hi, target) : NiceTicks(data.lo, data.hi, target);
  a.lo = axis.min ? AxisValue(axis, *axis.min) : a.ticks.lo;
  a.hi = axis.max ? AxisValue(axis, *axis.max) : a.ticks.hi;
  if (!(a.lo < a.hi)) a.hi = a.lo + 1;
  const double eps = a.ticks.step * 1e-6;
  std::erase_if(a.ticks.values, [&](double v) { return v < a.lo - eps || v > a.hi + eps; });
  a.labels = axis.log ? FormatLogTicks(a.ticks) : FormatTicks(a.ticks);
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
    legend.items.push_back({s.label, SeriesColor(ci), SeriesDash(ci), s.mark != Mark::kLine});
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
  const Axis* y_axis;
  // Pixel row of the data value `v` (NaN where the axis cannot show it).
  double Y(double v) const { return sy(AxisValue(*y_axis, v)); }
};

// The hover text of point k: "label · step 10: 0.5" (the category's name on a category
// axis), with the series' note when it has one.
std::string HoverText(const Series& s, size_t k, const Axis& x_axis) {
  const auto category = static_cast<size_t>(std::max(0.0, std::round(s.x[k])));
  const std::string x =
      category < x_axis.categories.size()
          ? x_axis.categories[category]
          : fmt::format("{} {}", x_axis.title.empty() ? "x" : x_axis.title, FormatNumber(s.x[k]));
  std::string text = fmt::format("{} · {}: {}", s.label, x, FormatNumber(s.y[k]));
  if (k < s.notes.size() && !s.notes[k].empty()) text += " (" + s.notes[k] + ")";
  return text;
}

// The points of a line that get a hover target: all of them, or evenly spaced ones (and the
// last) when there are more than a plot can tell apart.
std::vector<size_t> HoverPoints(size_t count) {
  constexpr size_t kMaxTargets = 200;
  std::vector<size_t> points;
  const size_t stride = (count + kMaxTargets - 1) / kMaxTargets;
  for (size_t k = 0; k < count; k += std::max<size_t>(stride, 1)) points.push_back(k);
  if (!points.empty() && points.back() != count - 1) points.push_back(count - 1);
  return points;
}

// A closed path around the band between band_lo and band_hi, one piece per run of finite
// values.
std::string BandPath(const Series& s, const Frame& f) {
  std::string d;
  std::vector<std::pair<double, double>> upper, lower;
  auto flush = [&] {
    if (upper.size() >= 2) {
      for (size_t i = 0; i < upper.size(); ++i) {
        d += fmt::format("{}{:.1f} {:.1f}", i == 0 ? "M" : "L", upper[i].first, upper[i].second);
      }
      for (size_t i = lower.size(); i-- > 0;) {
        d += fmt::format("L{:.1f} {:.1f}", lower[i].first, lower[i].second);
      }
      d += "Z";
    }
    upper.clear();
    lower.clear();
  };
  for (size_t k = 0; k < s.x.size() && k < s.band_lo.size() && k < s.band_hi.size(); ++k) {
    const double x = f.sx(s.x[k]), hi = f.Y(s.band_hi[k]), lo = f.Y(s.band_lo[k]);
    if (!Finite(x, hi) || !std::isfinite(lo)) {
      flush();
      continue;
    }
    upper.emplace_back(x, hi);
    lower.emplace_back(x, lo);
  }
  flush();
  return d;
}

void DrawBars(const Series& s, const std::string& color, const Frame& f, const Axis& x_axis,
              Canvas& c) {
  const double base = f.Y(f.y_axis->log ? 1.0 : 0.0);
  for (size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
    if (!Finite(s.x[k], s.y[k])) continue;
    const double x0 = f.sx(s.x[k] - s.bar_width / 2), x1 = f.sx(s.x[k] + s.bar_width / 2);
    const double y = f.Y(s.y[k]);
    if (!std::isfinite(y)) continue;
    c.Add(R"(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" )"
          R"(fill="{}" fill-opacity="0.8"><title>{}</title></rect>)",
          x0, std::min(y, base), std::max(x1 - x0, 1.0), std::abs(base - y), color,
          Escape(HoverText(s, k, x_axis)));
    if (k < s.err_lo.size() && k < s.err_hi.size()) {
      const double lo = f.Y(s.err_lo[k]), hi = f.Y(s.err_hi[k]), xm = f.sx(s.x[k]);
      if (!std::isfinite(lo) || !std::isfinite(hi)) continue;
      const double cap = std::min(6.0, (x1 - x0) / 4);
      c.Add(R"(<path class="error-bar" d="M{0:.1f} {1:.1f}H{2:.1f}M{3:.1f} {1:.1f}V{4:.1f})"
            R"(M{0:.1f} {4:.1f}H{2:.1f}" stroke="#222" stroke-width="1.5" fill="none"/>)",
            xm - cap, lo, xm + cap, xm, hi);
    }
  }
}

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
                const Frame& f, const Axis& x_axis, Canvas& c) {
  const std::string color = SeriesColor(ci);
  c.Add(R"(<g class="series" data-label="{}">)", Escape(s.label));
  if (s.mark == Mark::kBar) {
    DrawBars(s, color, f, x_axis, c);
    c.Add("</g>");
    return;
  }
  std::vector<std::pair<double, double>> pixels;
  for (size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
    const bool ok = Finite(s.x[k], s.y[k]);
    const double py = ok ? f.Y(s.y[k]) : kNaN;
    pixels.emplace_back(ok && std::isfinite(py) ? f.sx(s.x[k]) : kNaN, py);
  }
  if (!s.band_lo.empty()) {
    c.Add(R"(<path class="band" d="{}" fill="{}" fill-opacity="0.18" stroke="none"/>)",
          BandPath(s, f), color);
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
    // Transparent targets that show the value under the pointer.
    for (size_t k : HoverPoints(pixels.size())) {
      if (!Finite(pixels[k].first, pixels[k].second)) continue;
      c.Add(R"(<rect class="hover" x="{:.1f}" y="{:.1f}" width="8" height="8" )"
            R"(fill="transparent" pointer-events="all"><title>{}</title></rect>)",
            pixels[k].first - 4, pixels[k].second - 4, Escape(HoverText(s, k, x_axis)));
    }
  } else {
    for (size_t k = 0; k < pixels.size(); ++k) {
      if (!Finite(pixels[k].first, pixels[k].second)) continue;
      c.Add(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3.5" fill="{}" fill-opacity="0.75">)"
            R"(<title>{}</title></circle>)",
            pixels[k].first, pixels[k].second, color, Escape(HoverText(s, k, x_axis)));
    }
  }
  if (!fit.empty()) {
    std::vector<std::pair<double, double>> fit_pixels, lone;
    for (const auto& [x, y] : fit)
      fit_pixels.emplace_back(f.sx(x), std::isfinite(y) ? f.Y(y) : kNaN);
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
  Range xr, yr;  // y in axis units
  const auto add_y = [&](double y) {
    if (std::isfinite(AxisValue(plot.y, y))) yr.Add(AxisValue(plot.y, y));
  };
  std::vector<std::vector<std::pair<double, double>>> fits;
  for (const Series& s : plot.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!Finite(s.x[i], s.y[i]) || !std::isfinite(AxisValue(plot.y, s.y[i]))) continue;
      xr.Add(s.x[i]);
      add_y(s.y[i]);
      if (s.mark == Mark::kBar) {
        xr.Add(s.x[i] - s.bar_width / 2);
        xr.Add(s.x[i] + s.bar_width / 2);
        if (!plot.y.log) yr.Add(0);
      }
      for (const auto* extra : {&s.band_lo, &s.band_hi, &s.err_lo, &s.err_hi}) {
        if (i < extra->size()) add_y((*extra)[i]);
      }
    }
    fits.push_back(FitSamples(s));
    for (const auto& [x, y] : fits.back()) {
      if (std::isfinite(x)) add_y(y);
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
                LinearScale(ay.lo, ay.hi, bottom, top),
                &plot.y};

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
    DrawSeries(plot.series[i], ColorIndex(plot.series[i], i), fits[i], f, plot.x, c);
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
