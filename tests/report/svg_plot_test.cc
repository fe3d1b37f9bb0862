// The SVG plots: escaping, gaps, lone points, constant series, many series, scatter with a
// fitted curve, and data landing where the axes say it should.
#include "rlab/report/svg_plot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <regex>

#include "fake_runs.h"

namespace rlab::report {
namespace {

using testing_runs::Count;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

PlotSpec LinePlot(std::vector<double> x, std::vector<double> y, const std::string& label = "run") {
  PlotSpec p;
  p.title = "loss";
  p.x.title = "step";
  p.y.title = "loss";
  Series s;
  s.label = label;
  s.x = std::move(x);
  s.y = std::move(y);
  p.series.push_back(std::move(s));
  return p;
}

// The d attribute of every data line (not the axis frame, not fitted curves).
std::vector<std::string> SeriesPaths(const std::string& svg) {
  std::vector<std::string> paths;
  const std::regex re(
      R"re(<path d="([^"]*)" fill="none" stroke="#[0-9a-f]{6}" stroke-width="2")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    paths.push_back((*it)[1]);
  }
  return paths;
}

std::vector<std::pair<double, double>> Points(const std::string& d) {
  std::vector<std::pair<double, double>> points;
  const std::regex re(R"([ML](-?[0-9.]+) (-?[0-9.]+))");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), re); it != std::sregex_iterator(); ++it) {
    points.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  return points;
}

TEST(SvgPlot, IsOneSvgWithTitleAxesTicksAndLegend) {
  const std::string svg = RenderSvg(LinePlot({0, 10, 20}, {1.0, 0.5, 0.25}));
  EXPECT_EQ(svg.rfind("<svg class=\"plot\"", 0), 0u);
  EXPECT_EQ(Count(svg, "<svg class=\"plot\""), 1);
  EXPECT_NE(svg.find(">loss</text>"), std::string::npos);
  EXPECT_NE(svg.find("class=\"axis-title\""), std::string::npos);
  EXPECT_NE(svg.find(">step</text>"), std::string::npos);
  EXPECT_GE(Count(svg, "class=\"tick\""), 6);
  EXPECT_NE(svg.find(">20</text>"), std::string::npos);  // an x tick label
  EXPECT_EQ(Count(svg, "class=\"legend-entry\""), 1);
  EXPECT_EQ(SeriesPaths(svg).size(), 1u);
  EXPECT_EQ(RenderSvg(LinePlot({0, 10, 20}, {1.0, 0.5, 0.25})), svg);  // deterministic
}

TEST(SvgPlot, EscapesEveryText) {
  PlotSpec p = LinePlot({0, 1}, {0, 1}, "run <a & \"b\">");
  p.title = "metric<&>'\"";
  p.x.title = "x<y";
  p.y.title = "a&b";
  const std::string svg = RenderSvg(p);
  EXPECT_NE(svg.find("metric&lt;&amp;&gt;&#39;&quot;"), std::string::npos);
  EXPECT_NE(svg.find("run &lt;a &amp; &quot;b&quot;&gt;"), std::string::npos);
  EXPECT_NE(svg.find("x&lt;y"), std::string::npos);
  EXPECT_NE(svg.find("a&amp;b"), std::string::npos);
  EXPECT_EQ(svg.find("<a "), std::string::npos);
  EXPECT_EQ(svg.find("metric<"), std::string::npos);
}

TEST(SvgPlot, NonFiniteValuesAreGaps) {
  const auto paths = SeriesPaths(RenderSvg(
      LinePlot({0, 1, 2, 3, 4, 5}, {1, 2, kNaN, 3, std::numeric_limits<double>::infinity(), 4})));
  ASSERT_EQ(paths.size(), 1u);
  // A line from step 0 to 1, then steps 3 and 5 on their own: M..L.. M.. M..
  EXPECT_EQ(Count(paths[0], "M"), 3);
  EXPECT_EQ(Count(paths[0], "L"), 1);
  const std::string svg = RenderSvg(
      LinePlot({0, 1, 2, 3, 4, 5}, {1, 2, kNaN, 3, std::numeric_limits<double>::infinity(), 4}));
  EXPECT_EQ(Count(svg, "<circle"), 2);  // the lone points at steps 3 and 5
}

TEST(SvgPlot, SinglePointIsADot) {
  const std::string svg = RenderSvg(LinePlot({100}, {0.5}));
  EXPECT_TRUE(SeriesPaths(svg).empty());
  EXPECT_EQ(Count(svg, "<circle"), 1);
  EXPECT_EQ(svg.find("no finite values"), std::string::npos);
}

TEST(SvgPlot, ConstantSeriesIsAFlatLineInsideTheAxis) {
  const std::string svg = RenderSvg(LinePlot({0, 1, 2}, {0.7, 0.7, 0.7}));
  const auto paths = SeriesPaths(svg);
  ASSERT_EQ(paths.size(), 1u);
  const auto points = Points(paths[0]);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].second, points[2].second);
  // The y ticks straddle the value: the labels include one below and one above 0.7.
  EXPECT_NE(svg.find(">0.64</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find(">0.76</text>"), std::string::npos) << svg;
}

TEST(SvgPlot, DataCornersLandOnTheAxisCorners) {
  const std::string svg = RenderSvg(LinePlot({0, 10}, {0, 1}));
  // The axis frame is drawn as M left top V bottom H right.
  const std::regex frame(R"re(<path d="M(-?[0-9.]+) (-?[0-9.]+)V(-?[0-9.]+)H(-?[0-9.]+)")re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, frame));
  const double left = std::stod(m[1]), top = std::stod(m[2]), bottom = std::stod(m[3]),
               right = std::stod(m[4]);
  const auto points = Points(SeriesPaths(svg).at(0));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_NEAR(points[0].first, left, 0.051);
  EXPECT_NEAR(points[0].second, bottom, 0.051);
  EXPECT_NEAR(points[1].first, right, 0.051);
  EXPECT_NEAR(points[1].second, top, 0.051);
}

TEST(SvgPlot, LongSeriesKeepAFewPointsPerPixelColumn) {
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(i);
    y.push_back(std::sin(i * 0.01) + (i == 50001 ? 5 : 0));  // one spike must survive
  }
  const std::string svg = RenderSvg(LinePlot(x, y));
  const auto points = Points(SeriesPaths(svg).at(0));
  EXPECT_LT(points.size(), 4u * 560);
  EXPECT_GT(points.size(), 400u);
  double top = 1e9;
  for (const auto& p : points) top = std::min(top, p.second);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(svg, m, std::regex(R"(<path d="M[0-9.]+ ([0-9.]+)V)")));
  EXPECT_NEAR(top, std::stod(m[1]), 25);  // the spike reaches close to the top of the plot
  EXPECT_LT(svg.size(), 100000u);
}

TEST(SvgPlot, FixedAxisBoundsAreKept) {
  PlotSpec p = LinePlot({0, 1}, {0.5, 0.8});
  p.y.max = 1.0;
  const std::string svg = RenderSvg(p);
  EXPECT_NE(svg.find(">1.0</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find(">1.1</text>"), std::string::npos);
}

TEST(SvgPlot, ManySeriesGetDistinctStyles) {
  PlotSpec p;
  for (int i = 0; i < 12; ++i) {
    Series s;
    s.label = "run" + std::to_string(i);
    s.x = {0, 1};
    s.y = {double(i), double(i + 1)};
    p.series.push_back(s);
  }
  const std::string svg = RenderSvg(p);
  EXPECT_EQ(Count(svg, "class=\"legend-entry\""), 12);
  EXPECT_EQ(SeriesPaths(svg).size(), 12u);
  for (int i = 0; i < 10; ++i) {
    for (int j = i + 1; j < 10; ++j) EXPECT_NE(SeriesColor(i), SeriesColor(j));
  }
  // Past the palette, colours repeat with a dash pattern.
  EXPECT_EQ(SeriesColor(10), SeriesColor(0));
  EXPECT_TRUE(SeriesDash(0).empty());
  EXPECT_FALSE(SeriesDash(10).empty());
  EXPECT_GE(Count(svg, "stroke-dasharray"), 4);  // two legend swatches and two lines
}

TEST(SvgPlot, ScatterWithFittedCurve) {
  PlotSpec p;
  p.x.title = "KL";
  p.y.title = "gold reward";
  Series s;
  s.label = "gold";
  s.mark = Mark::kScatter;
  s.x = {0, 1, 2, 3, kNaN};
  s.y = {0, 0.9, 1.1, 0.8, 1};
  s.fit = [](double x) { return x * (1.2 - 0.35 * x); };
  s.fit_label = "fit: d(a - b d)";
  p.series.push_back(s);
  const std::string svg = RenderSvg(p);
  EXPECT_EQ(Count(svg, "<circle"), 4 + 1);  // four finite points and the legend dot
  EXPECT_EQ(Count(svg, "class=\"fit\""), 1);
  EXPECT_NE(svg.find("gold (fit: d(a - b d))"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"legend-entry\""), 2);
  EXPECT_NE(svg.find("<title>gold · KL 2: 1.1</title>"), std::string::npos);
}

TEST(SvgPlot, EveryLinePointHasAHoverTitle) {
  const std::string svg = RenderSvg(LinePlot({0, 10, 20}, {1.0, kNaN, 0.25}));
  EXPECT_EQ(Count(svg, "class=\"hover\""), 2);  // not on the gap
  EXPECT_NE(svg.find("<title>run · step 0: 1</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>run · step 20: 0.25</title>"), std::string::npos);
  std::vector<double> x(5000), y(5000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i), y[i] = std::sin(i * 0.01);
  const std::string long_svg = RenderSvg(LinePlot(x, y));
  EXPECT_LE(Count(long_svg, "class=\"hover\""), 201);  // evenly spaced, and the last
  EXPECT_NE(long_svg.find("step 4999:"), std::string::npos);
}

TEST(SvgPlot, LogAxisTicksArePowersOfTenAndNonPositiveValuesAreGaps) {
  PlotSpec p = LinePlot({0, 1, 2, 3}, {1e-4, 1e-2, 0, 1});
  p.y.log = true;
  const std::string svg = RenderSvg(p);
  for (const char* tick : {">0.0001</text>", ">0.01</text>", ">1</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  // The zero is a gap: two pieces, the first a line, the last point a lone dot.
  const auto paths = SeriesPaths(svg);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(Count(paths[0], "M"), 2);
  EXPECT_EQ(Count(paths[0], "L"), 1);
  EXPECT_EQ(Count(svg, "<circle"), 1);
  // Equal ratios are equal distances.
  const auto pts = Points(paths[0]);
  const double decade = (pts[0].second - pts[1].second) / 2;
  EXPECT_GT(decade, 10);
}

TEST(SvgPlot, BarsOverCategoriesWithErrorBars) {
  PlotSpec p;
  p.title = "accuracy";
  p.x.categories = {"all", "chat"};
  p.y = Axis{"accuracy", 0.0, 1.0};
  Series s{.label = "rm", .x = {0, 1}, .y = {0.7, 0.8}, .mark = Mark::kBar};
  s.err_lo = {0.6, kNaN};
  s.err_hi = {0.8, kNaN};
  p.series.push_back(s);
  const std::string svg = RenderSvg(p);
  EXPECT_EQ(Count(svg, "class=\"bar\""), 2);
  EXPECT_EQ(Count(svg, "class=\"error-bar\""), 1);  // none where the interval is NaN
  EXPECT_NE(svg.find(">chat</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>rm · chat: 0.8</title>"), std::string::npos);
}

TEST(SvgPlot, BandIsAClosedShadedPathAroundTheLine) {
  PlotSpec p = LinePlot({0, 1, 2}, {1, 2, 3});
  p.series[0].band_lo = {0.5, 1.5, 2.5};
  p.series[0].band_hi = {1.5, 2.5, 3.5};
  const std::string svg = RenderSvg(p);
  EXPECT_EQ(Count(svg, "class=\"band\""), 1);
  const size_t band = svg.find("class=\"band\" d=\"");
  const std::string d = svg.substr(band, svg.find('"', band + 16) - band);
  EXPECT_EQ(Count(d, "L"), 5);  // three points up, three back
  EXPECT_NE(d.find('Z'), std::string::npos);
}

TEST(SvgPlot, NoDataSaysSo) {
  EXPECT_NE(RenderSvg(LinePlot({0, 1}, {kNaN, kNaN})).find("no finite values"), std::string::npos);
  PlotSpec empty;
  empty.title = "nothing";
  EXPECT_NE(RenderSvg(empty).find("no finite values"), std::string::npos);
}

}  // namespace
}  // namespace rlab::report
