// Reports built from hand-written run directories: one plot per metric with a legend entry
// per run, pipeline panels from the registry, escaping, and clear errors for bad input.
#include "rlab/report/report_html.h"

#include <gtest/gtest.h>

#include "fake_runs.h"
#include "rlab/report/panels.h"

namespace rlab::report {
namespace {

namespace fs = std::filesystem;
using rlab::testing::ErrorOf;
using testing_runs::BtMetrics;
using testing_runs::Count;
using testing_runs::FakeRun;
using testing_runs::SectionText;
using testing_runs::WriteRun;

class ReportHtml : public ::testing::Test {
 protected:
  rlab::testing::ScratchDir dir{"report-html"};
  fs::path Run(const std::string& name, FakeRun run) { return WriteRun(dir / name, run); }
};

TEST_F(ReportHtml, OnePlotPerMetricAndALegendEntryPerRun) {
  const fs::path a = Run("run-a", {.metrics = BtMetrics(0)});
  const fs::path b = Run("run-b", {.metrics = BtMetrics(0.05)});
  const fs::path out = WriteReport({a, b}, dir / "out" / "report.html");
  EXPECT_EQ(out, dir / "out" / "report.html");
  const std::string html = rlab::testing::ReadText(out);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);

  const std::string every = SectionText(html, "metrics");
  EXPECT_EQ(Count(every, "<svg class=\"plot\""), 3);  // heldout_accuracy, loss, pearson
  for (const char* metric : {"heldout_accuracy", "loss", "pearson"}) {
    EXPECT_NE(every.find(std::string("data-title=\"") + metric + "\""), std::string::npos);
  }
  EXPECT_EQ(Count(every, "class=\"legend-entry\""), 3 * 2);
  EXPECT_EQ(Count(every, ">run-a</text>"), 3);
  EXPECT_EQ(Count(every, ">run-b</text>"), 3);

  // The bt-recovery headline comes first, from the panel registry.
  const std::string headline = SectionText(html, "headline");
  EXPECT_NE(headline.find("Headline"), std::string::npos);
  EXPECT_EQ(Count(headline, "<svg class=\"plot\""), 2);
  EXPECT_LT(html.find("id=\"headline\""), html.find("id=\"runs\""));
  EXPECT_LT(html.find("id=\"headline\""), html.find("id=\"metrics\""));

  // Summary side by side and the configs.
  const std::string summary = SectionText(html, "summary");
  EXPECT_NE(summary.find(">heldout_accuracy</td><td class=\"num\">0.9</td>"), std::string::npos)
      << summary;
  EXPECT_NE(SectionText(html, "config").find("steps: 40"), std::string::npos);
  EXPECT_EQ(Count(SectionText(html, "runs"), "<tr class=\"run\">"), 2);
}

TEST_F(ReportHtml, SelfContainedAndDeterministic) {
  const fs::path a = Run("run-a", {.metrics = BtMetrics(0)});
  const std::string html = RenderReportHtml(LoadRuns({a}));
  EXPECT_EQ(RenderReportHtml(LoadRuns({a})), html);
  for (const char* external : {"src=", "<link", "href=", "@import", "url(", "<script"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
}

TEST_F(ReportHtml, EscapesMetricNamesConfigAndSummary) {
  FakeRun run;
  run.config = "pipeline: x\nnote: \"<script>alert('&')</script>\"\n";
  run.metrics = "{\"step\": 0, \"a<b&\\\"c\\\"\": 1}\n{\"step\": 1, \"a<b&\\\"c\\\"\": 2}\n";
  run.summary = R"({"<img>": "x & y"})";
  const std::string html = RenderReportHtml(LoadRuns({Run("weird<&>", run)}));
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("<img>"), std::string::npos);
  EXPECT_EQ(html.find("a<b"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;&amp;&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b&amp;&quot;c&quot;"), std::string::npos);
  EXPECT_NE(html.find("x &amp; y"), std::string::npos);
  EXPECT_NE(html.find("weird&lt;&amp;&gt;"), std::string::npos);
}

TEST_F(ReportHtml, NullsAreGapsAndOtherFieldsAreSkipped) {
  FakeRun run;
  run.metrics = "{\"step\": 0, \"r\": 1, \"phase\": \"warmup\"}\n"
                "{\"step\": 1, \"r\": null}\n\n"
                "{\"step\": 2, \"r\": 3, \"hist\": [1, 2]}\n";
  const RunData data = LoadRun(Run("gaps", run));
  EXPECT_EQ(data.metric_rows, 3);
  ASSERT_EQ(data.metrics.size(), 1u);
  const MetricSeries& r = data.metrics.at("r");
  EXPECT_EQ(r.steps, (std::vector<double>{0, 1, 2}));
  EXPECT_TRUE(std::isnan(r.values[1]));
  EXPECT_EQ(data.pipeline, "bt-recovery");  // from summary.json
}

TEST_F(ReportHtml, UnfinishedRunAndPipelineFromConfig) {
  const RunData data = LoadRun(Run("unfinished", {.metrics = BtMetrics(0), .summary = ""}));
  EXPECT_FALSE(data.summary.has_value());
  EXPECT_EQ(data.pipeline, "bt-recovery");  // from config.yaml
  const std::string html = RenderReportHtml({data});
  EXPECT_NE(html.find("not finished"), std::string::npos);
  EXPECT_NE(html.find("No run has a summary.json yet"), std::string::npos);
}

TEST_F(ReportHtml, MalformedMetricsLineNamesFileAndLine) {
  FakeRun run;
  run.metrics =
      "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": \n";
  const fs::path d = Run("torn", run);
  const std::string e = ErrorOf([&] { LoadRun(d); });
  EXPECT_NE(e.find((d / "metrics.jsonl").string() + ":3"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed JSON"), std::string::npos) << e;

  run.metrics = "{\"step\": 0, \"loss\": 1}\n{\"loss\": 0.5}\n";
  const fs::path d2 = Run("nostep", run);
  const std::string e2 = ErrorOf([&] { LoadRun(d2); });
  EXPECT_NE(e2.find((d2 / "metrics.jsonl").string() + ":2"), std::string::npos) << e2;
  EXPECT_NE(e2.find("'step'"), std::string::npos) << e2;
}

TEST_F(ReportHtml, MalformedSummaryNamesTheFile) {
  const fs::path d = Run("badsummary", {.summary = "{\"a\": "});
  const std::string e = ErrorOf([&] { LoadRun(d); });
  EXPECT_NE(e.find((d / "summary.json").string()), std::string::npos) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST_F(ReportHtml, MissingOrEmptyRunDirectory) {
  std::string e = ErrorOf([&] { WriteReport({dir / "nope"}, dir / "r.html"); });
  EXPECT_NE(e.find("run directory '" + (dir / "nope").string() + "' does not exist"),
            std::string::npos)
      << e;
  fs::create_directories(dir / "empty");
  e = ErrorOf([&] { LoadRun(dir / "empty"); });
  EXPECT_NE(e.find("is not a run directory"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir / "r.html"));
  e = ErrorOf([&] { LoadRuns({}); });
  EXPECT_NE(e.find("at least one run directory"), std::string::npos) << e;
}

TEST_F(ReportHtml, SameDirectoryNamesAreToldApart) {
  const auto runs = LoadRuns({Run("x/run", {}), Run("y/run", {})});
  EXPECT_EQ(runs[0].name, "x/run");
  EXPECT_EQ(runs[1].name, "y/run");
  EXPECT_EQ(runs[1].index, 1);
  EXPECT_EQ(LoadRuns({Run("z/run/", {})})[0].name, "run");  // a trailing slash is fine
}

TEST_F(ReportHtml, PipelinesAddTheirOwnPanelsThroughTheRegistry) {
  RegisterBuiltins();
  EXPECT_TRUE(PipelinePanels().Contains("bt-recovery"));
  if (!PipelinePanels().Contains("test-calibration")) {
    RegisterPanels("test-calibration", "a scatter with a fitted curve", {"ece"},
                   [](const std::vector<RunData>& runs) {
                     Section s{"Calibration", "", {}};
                     PlotSpec plot;
                     plot.title = "calibration";
                     Series points{.label = runs.front().name,
                                   .x = {0.1, 0.5, 0.9},
                                   .y = {0.2, 0.5, 0.8},
                                   .mark = Mark::kScatter};
                     points.fit = [](double x) { return x; };
                     plot.series.push_back(points);
                     s.panels.push_back({plot, "runs: " + std::to_string(runs.size())});
                     return std::vector<Section>{s};
                   });
  }
  FakeRun calibrated{.config = "pipeline: test-calibration\n",
                     .metrics = "{\"step\": 0, \"ece\": 0.1}\n",
                     .summary = R"({"pipeline": "test-calibration", "ece": 0.1})"};
  const auto runs = LoadRuns({Run("cal", calibrated), Run("bt", {.metrics = BtMetrics(0)})});
  const std::string html = RenderReportHtml(runs);
  const std::string first = SectionText(html, "pipeline-0");
  EXPECT_NE(first.find("Calibration"), std::string::npos);
  EXPECT_NE(first.find("runs: 1"), std::string::npos);  // built from its own runs only
  EXPECT_EQ(Count(first, "class=\"fit\""), 1);
  // Both pipelines' headline keys, the registering one's first.
  const std::string headline = SectionText(html, "headline");
  EXPECT_LT(headline.find(">ece<"), headline.find(">heldout_accuracy<")) << headline;
  EXPECT_EQ(Count(SectionText(html, "metrics"), "<svg class=\"plot\""), 4);
}

}  // namespace
}  // namespace rlab::report
