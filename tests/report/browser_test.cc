// The report in a real browser: headless Chromium loads a report of two fake runs, an inline
// check script (added to a copy of the page) measures every plot through the DOM and records
// any script error, and a screenshot is kept under the build directory for people to look at.
// Skips when Chromium is not installed (Debian package `chromium`).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>

#include "fake_runs.h"
#include "rlab/report/report_html.h"

namespace rlab::report {
namespace {

namespace fs = std::filesystem;
using rlab::testing::ReadText;
using rlab::testing::WriteText;
using testing_runs::BtMetrics;
using testing_runs::WriteRun;

std::string FindChromium() {
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (fs::exists(candidate)) return candidate;
  }
  return "";
}

// Runs Chromium headless on `page` with extra `args`; stdout to `out`. Returns the exit code.
int RunChromium(const std::string& chromium, const fs::path& profile, const std::string& args,
                const fs::path& page, const fs::path& out) {
  const std::string command =
      "timeout 120 " + chromium +
      " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
      " --disable-component-update --disable-sync --disable-quic --hide-scrollbars"
      " --user-data-dir='" +
      profile.string() + "' " + args + " 'file://" + page.string() + "' > '" + out.string() +
      "' 2> '" + out.string() + ".err'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Wraps window.onerror and console.error before anything else on the page runs.
constexpr const char* kErrorHook = R"(<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });
(function () { var original = console.error;
  console.error = function () { window.__errors.push([].join.call(arguments, ' '));
                                 original.apply(console, arguments); }; })();
</script>)";

// After the page: one line per plot (title, series drawn, legend entries, size), then errors.
constexpr const char* kCheck = R"(<script>
(function () {
  var lines = [];
  document.querySelectorAll('svg.plot').forEach(function (svg) {
    var drawn = 0;
    svg.querySelectorAll('g.series').forEach(function (g) {
      var ink = 0;
      g.querySelectorAll('path').forEach(function (p) { ink += p.getTotalLength(); });
      ink += g.querySelectorAll('circle').length + g.querySelectorAll('rect.bar').length;
      if (ink > 0) drawn++;
    });
    var box = svg.getBoundingClientRect();
    var ticks = svg.querySelectorAll('text.tick').length;
    lines.push('plot|' + svg.getAttribute('data-title') + '|' + drawn + '|' +
               svg.querySelectorAll('g.legend-entry').length + '|' + ticks + '|' +
               Math.round(box.width) + '|' + Math.round(box.height));
  });
  var count = function (selector) { return document.querySelectorAll(selector).length; };
  var bandHeight = 0;
  document.querySelectorAll('path.band').forEach(function (p) {
    bandHeight = Math.max(bandHeight, p.getBBox().height); });
  lines.push('dom|' + count('table.samples tr') + '|' + count('table.config-diff tr') + '|' +
             count('path.band') + '|' + Math.round(bandHeight) + '|' +
             count('path.error-bar') + '|' + count('rect.bar') + '|' + count('rect.hover'));
  lines.push('errors|' + window.__errors.length + '|' + window.__errors.join(' ; '));
  var pre = document.createElement('pre');
  pre.id = 'rlab-check';
  pre.textContent = lines.join('\n');
  document.body.appendChild(pre);
})();
</script>)";

struct PlotCheck {
  std::string title;
  int drawn, legend, ticks, width, height;
};

// Loads a copy of `report` with the hook first in <head> and the check at the end of <body>;
// returns the check's lines (fails the test when the check did not run).
std::string CheckInBrowser(const std::string& chromium, const fs::path& dir,
                           const fs::path& report) {
  std::string page = ReadText(report);
  page.insert(page.find("<head>") + 6, kErrorHook);
  page.insert(page.rfind("</body>"), kCheck);
  const fs::path check_page = dir / "check.html";
  WriteText(check_page, page);
  const fs::path dom = dir / "dom.html";
  EXPECT_EQ(RunChromium(chromium, dir / "profile-dom", "--virtual-time-budget=5000 --dump-dom",
                        check_page, dom),
            0)
      << ReadText(dom.string() + ".err");
  const std::string dumped = ReadText(dom);
  const size_t start = dumped.find("<pre id=\"rlab-check\">");
  EXPECT_NE(start, std::string::npos) << "the check script did not run:\n"
                                      << dumped.substr(0, 2000);
  if (start == std::string::npos) return "";
  return dumped.substr(start, dumped.find("</pre>", start) - start);
}

std::vector<PlotCheck> Plots(const std::string& results) {
  std::vector<PlotCheck> plots;
  const std::regex plot_re(R"(plot\|([^|]*)\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+))");
  for (auto it = std::sregex_iterator(results.begin(), results.end(), plot_re);
       it != std::sregex_iterator(); ++it) {
    plots.push_back({(*it)[1], std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4]),
                     std::stoi((*it)[5]), std::stoi((*it)[6])});
  }
  return plots;
}

TEST(ReportBrowser, PlotsRenderWithoutErrorsAndScreenshot) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium); skipping the browser "
                    "check of the report";
  }
  rlab::testing::ScratchDir dir("report-browser");
  const fs::path a = WriteRun(dir / "bt-recovery-seed1", {.metrics = BtMetrics(0)});
  const fs::path b = WriteRun(dir / "bt-recovery-seed2", {.metrics = BtMetrics(0.06)});
  const fs::path report = WriteReport({a, b}, a / "report.html");
  const std::string results = CheckInBrowser(chromium, dir.path(), report);
  const std::vector<PlotCheck> plots = Plots(results);
  // Two headline panels and one plot per metric.
  ASSERT_EQ(plots.size(), 5u) << results;
  std::vector<std::string> titles;
  for (const PlotCheck& p : plots) {
    titles.push_back(p.title);
    EXPECT_EQ(p.drawn, 2) << p.title << ": both runs should have visible data";
    EXPECT_EQ(p.legend, 2) << p.title;
    EXPECT_GE(p.ticks, 6) << p.title;
    EXPECT_GT(p.width, 300) << p.title;
    EXPECT_GT(p.height, 150) << p.title;
  }
  EXPECT_EQ(titles, (std::vector<std::string>{"heldout_accuracy", "pearson", "heldout_accuracy",
                                              "loss", "pearson"}));
  EXPECT_NE(results.find("errors|0|"), std::string::npos) << results;

  // The untouched report, as a person would see it.
  const fs::path shots = fs::path(RLAB_BINARY_DIR) / "test-artifacts" / "report";
  fs::create_directories(shots);
  const fs::path png = shots / "report.png";
  fs::remove(png);
  ASSERT_EQ(RunChromium(chromium, dir / "profile-shot",
                        "--window-size=1200,2000 --virtual-time-budget=5000 --screenshot='" +
                            png.string() + "'",
                        report, dir / "shot.txt"),
            0)
      << ReadText(dir / "shot.txt.err");
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 10000u);
  std::printf("screenshot: %s\n", png.string().c_str());
}

TEST(ReportBrowser, NewPanelsRenderWithoutErrors) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  rlab::testing::ScratchDir dir("report-browser-panels");
  const std::vector<fs::path> runs = {WriteRun(dir / "rm-eval", testing_runs::EvalRmRun()),
                                      WriteRun(dir / "dpo-run", testing_runs::SamplesRun()),
                                      WriteRun(dir / "s1", testing_runs::SeedRun(1)),
                                      WriteRun(dir / "s2", testing_runs::SeedRun(2))};
  const fs::path report = WriteReport(runs, dir / "panels.html");
  const std::string results = CheckInBrowser(chromium, dir.path(), report);
  std::map<std::string, PlotCheck> by_title;
  for (const PlotCheck& p : Plots(results)) by_title.emplace(p.title, p);
  for (const char* title : {"accuracy by subset", "reliability", "margin histogram"}) {
    ASSERT_TRUE(by_title.count(title)) << title << "\n" << results;
    EXPECT_EQ(by_title.at(title).drawn, 1) << title;
    EXPECT_GT(by_title.at(title).width, 300) << title;
  }
  // The seed pair is one series (a line in its band) in each of its metric plots.
  EXPECT_EQ(by_title.at("pearson").drawn, 1) << results;
  EXPECT_EQ(by_title.at("pearson").legend, 1) << results;
  const std::regex dom_re(R"(dom\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+)\|(\d+))");
  std::smatch dom;
  ASSERT_TRUE(std::regex_search(results, dom, dom_re)) << results;
  EXPECT_EQ(std::stoi(dom[1]), 2 + 2) << "two sample tables, a header and a row each";
  EXPECT_GE(std::stoi(dom[2]), 3) << "config diff: a header and the differing keys";
  EXPECT_GE(std::stoi(dom[3]), 1) << "seed bands";
  EXPECT_GT(std::stoi(dom[4]), 2) << "a band with visible height";
  EXPECT_EQ(std::stoi(dom[5]), 3) << "error bars: all, chat, math";
  EXPECT_EQ(std::stoi(dom[6]), 3 + 20) << "accuracy bars and histogram bins";
  EXPECT_GT(std::stoi(dom[7]), 10) << "hover targets on line points";
  EXPECT_NE(results.find("errors|0|"), std::string::npos) << results;
}

}  // namespace
}  // namespace rlab::report
