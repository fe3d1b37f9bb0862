// The report's reading aids: headline first, metrics grouped with training beside held-out on
// shared axes, log scales, hover values, flattened summaries, run status, the config diff,
// seed bands, and the panels of eval-rm, samples and pbrl, from hand-written run directories.
#include <gtest/gtest.h>

#include "fake_runs.h"
#include "rlab/report/config_diff.h"
#include "rlab/report/metric_panels.h"
#include "rlab/report/report_html.h"
#include "rlab/report/seed_groups.h"

namespace rlab::report {
namespace {

namespace fs = std::filesystem;
using testing_runs::BtMetrics;
using testing_runs::Count;
using testing_runs::EvalRmRun;
using testing_runs::FakeRun;
using testing_runs::SamplesRun;
using testing_runs::SectionText;
using testing_runs::SeedRun;
using testing_runs::WriteRun;

class ReportPanels : public ::testing::Test {
 protected:
  rlab::testing::ScratchDir dir{"report-panels"};
  fs::path Run(const std::string& name, FakeRun run) { return WriteRun(dir / name, run); }
};

TEST_F(ReportPanels, EvalRmHeadlineShowsAccuracyWithItsIntervalAndEvaluatedOfRecords) {
  const std::string html = RenderReportHtml(LoadRuns({Run("rm-eval", EvalRmRun())}));
  const std::string headline = SectionText(html, "headline");
  EXPECT_NE(headline.find("0.7 (95% CI 0.63 to 0.77)"), std::string::npos) << headline;
  EXPECT_LT(headline.find(">accuracy<"), headline.find(">evaluated<"));
  EXPECT_NE(headline.find(">180<"), std::string::npos);
  EXPECT_NE(headline.find(">200<"), std::string::npos);
  EXPECT_LT(html.find("id=\"headline\""), html.find("id=\"summary\""));
}

TEST_F(ReportPanels, EvalRmPanelsDrawSubsetBarsWithIntervalsReliabilityAndMargins) {
  const std::string html = RenderReportHtml(LoadRuns({Run("rm-eval", EvalRmRun())}));
  const std::string panels = SectionText(html, "eval-rm");
  EXPECT_EQ(Count(panels, "<svg class=\"plot\""), 3) << panels;
  // Bars for all, chat and math, each with its whisker, the categories as tick labels.
  EXPECT_EQ(Count(panels, "class=\"error-bar\""), 3);
  for (const char* category : {">all</text>", ">chat</text>", ">math</text>"}) {
    EXPECT_NE(panels.find(category), std::string::npos) << category;
  }
  EXPECT_NE(panels.find("rm-eval · chat: 0.8 (100 records, 95% CI 0.720 to 0.880)"),
            std::string::npos);
  // Reliability: three bins with their counts on hover and the diagonal.
  EXPECT_NE(panels.find("60 comparisons"), std::string::npos);
  EXPECT_NE(panels.find("perfect calibration"), std::string::npos);
  // The histogram counts every prediction once: 20 bins whose heights sum to 40.
  EXPECT_EQ(Count(panels, "data-title=\"margin histogram\""), 1);
  EXPECT_EQ(Count(panels, "class=\"bar\""), 3 + 20);
}

TEST_F(ReportPanels, NestedSummariesAreFlattenedIntoRows) {
  const std::string html = RenderReportHtml(LoadRuns({Run("rm-eval", EvalRmRun())}));
  const std::string summary = SectionText(html, "summary");
  EXPECT_NE(summary.find(">margin.mean</td><td class=\"num\">0.4</td>"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find(">subsets.chat.accuracy_ci95</td><td>[0.72, 0.88]</td>"),
            std::string::npos);
  EXPECT_NE(summary.find(">reliability</td><td>3 entries</td>"), std::string::npos);
  EXPECT_EQ(summary.find("{\"chat\""), std::string::npos);  // no JSON dump
}

TEST_F(ReportPanels, SamplesAreEscapedLatestFirstAndTheInterruptedRunSaysSo) {
  const std::string html = RenderReportHtml(LoadRuns({Run("dpo-run", SamplesRun())}));
  const std::string samples = SectionText(html, "samples");
  ASSERT_FALSE(samples.empty());
  EXPECT_LT(samples.find("step 10 (1 sample)"), samples.find("step 0 (1 sample)"));
  EXPECT_NE(samples.find("<details class=\"samples\" open><summary>step 10"), std::string::npos);
  EXPECT_NE(samples.find("&lt;b&gt;5&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>5</b>"), std::string::npos);
  EXPECT_NE(samples.find("<td class=\"num\">0.9</td><td class=\"num\">1</td>"), std::string::npos);
  // Step 0 logged no reward: its table has no reward column.
  const std::string step0 = samples.substr(samples.find("step 0 (1 sample)"));
  EXPECT_EQ(step0.find("<th>reward</th>"), std::string::npos);
  EXPECT_NE(step0.find("<th>gold</th>"), std::string::npos);
  EXPECT_NE(SectionText(html, "headline").find("interrupted (resumable with --resume)"),
            std::string::npos);
  EXPECT_NE(SectionText(html, "runs").find("interrupted"), std::string::npos);
}

TEST_F(ReportPanels, AFailedRunShowsItsError) {
  FakeRun failed = SamplesRun();
  failed.summary = R"({"pipeline": "dpo", "status": "failed", "error": "a <bad> line"})";
  const std::string html = RenderReportHtml(LoadRuns({Run("dpo-failed", failed)}));
  EXPECT_NE(SectionText(html, "runs").find("failed: a &lt;bad&gt; line"), std::string::npos);
}

TEST_F(ReportPanels, TrainingAndHeldOutTwinsSitSideBySideOnSharedAxesGroupedByPrefix) {
  FakeRun run;
  run.metrics = "{\"step\": 0, \"loss\": 2, \"eval_loss\": 3, \"rewards/margins\": 0.1}\n"
                "{\"step\": 50, \"loss\": 1, \"eval_loss\": 1.5, \"rewards/margins\": 0.4, "
                "\"eval_rewards/margins\": 0.3}\n"
                "{\"step\": 100, \"eval_rewards/margins\": 0.5}\n";
  const std::vector<Section> sections = MetricSections(LoadRuns({Run("twins", run)}));
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].id, "metrics");
  EXPECT_EQ(sections[1].id, "metrics-rewards");
  ASSERT_EQ(sections[0].panels.size(), 1u);
  const Panel& loss = sections[0].panels[0];
  ASSERT_TRUE(loss.beside.has_value());
  EXPECT_EQ(loss.plot.title, "loss");
  EXPECT_EQ(loss.beside->title, "eval_loss");
  EXPECT_EQ(loss.plot.y.min, loss.beside->y.min);  // one y range for both
  EXPECT_EQ(loss.plot.y.max, loss.beside->y.max);
  EXPECT_LE(*loss.plot.y.min, 1.0);
  EXPECT_GE(*loss.plot.y.max, 3.0);
  // The x axis spans the group's steps (0 to 100) in every plot of the group, even where the
  // metric stops at 50.
  const Panel& margins = sections[1].panels[0];
  EXPECT_EQ(margins.plot.x.max, 100.0);
  EXPECT_EQ(loss.plot.x.max, 50.0);
}

TEST_F(ReportPanels, PositiveMetricsSpanningThreeDecadesGetALogAxisAndLogYForcesIt) {
  FakeRun run;
  run.metrics = "{\"step\": 0, \"lr\": 1, \"loss\": 5, \"score\": -1}\n"
                "{\"step\": 1, \"lr\": 0.0001, \"loss\": 2, \"score\": 1}\n";
  const auto runs = LoadRuns({Run("log", run)});
  EXPECT_TRUE(UseLogScale(runs, "lr", {}));
  EXPECT_FALSE(UseLogScale(runs, "loss", {}));
  EXPECT_TRUE(UseLogScale(runs, "loss", {.log_y = true}));
  EXPECT_FALSE(UseLogScale(runs, "score", {.log_y = true}));  // not positive
  const std::string html = RenderReportHtml(runs);
  EXPECT_NE(html.find("Logarithmic y-axis."), std::string::npos);
  EXPECT_NE(html.find(">0.0001</text>"), std::string::npos);  // a tick at a power of ten
}

TEST_F(ReportPanels, ConfigDiffListsOnlyTheKeysThatDiffer) {
  FakeRun a, b;
  a.config = "pipeline: dpo\ntrainer:\n  beta: 0.1\n  lr: 1e-4\nprovenance:\n  host: a\n";
  b.config = "pipeline: dpo\ntrainer:\n  beta: 0.5\n  lr: 1e-4\n  loss: ipo\nprovenance:\n"
             "  host: b\n";
  const auto runs = LoadRuns({Run("a", a), Run("b", b)});
  EXPECT_EQ(DifferingSettings(runs), (std::vector<std::string>{"trainer.beta", "trainer.loss"}));
  const std::string diff = SectionText(RenderReportHtml(runs), "config-diff");
  EXPECT_NE(diff.find("<tr><td>trainer.beta</td><td>0.1</td><td>0.5</td></tr>"), std::string::npos)
      << diff;
  EXPECT_NE(diff.find("<tr><td>trainer.loss</td><td></td><td>ipo</td></tr>"), std::string::npos);
  EXPECT_EQ(diff.find("trainer.lr"), std::string::npos);
  EXPECT_EQ(diff.find("provenance"), std::string::npos);
}

TEST_F(ReportPanels, RunsDifferingOnlyInSeedAreOneMeanLineInAStdBand) {
  const auto runs = LoadRuns({Run("s1", SeedRun(1)), Run("s2", SeedRun(2)), Run("s3", SeedRun(3)),
                              Run("other", {.metrics = BtMetrics(0)})});
  EXPECT_EQ(runs[0].seed_group, 0);
  EXPECT_EQ(runs[2].seed_group, 0);
  EXPECT_EQ(runs[3].seed_group, -1);
  const PlotSpec plot = MetricOverSteps(runs, "loss");
  ASSERT_EQ(plot.series.size(), 2u);
  const Series& band = plot.series[0];
  EXPECT_EQ(band.label, "s1 + 2 more (3 seeds)");
  // loss = 0.7 - 0.4 t + 0.02 seed: mean over seeds 1-3 at step 0 is 0.74, std 0.02.
  ASSERT_EQ(band.x.size(), 5u);
  EXPECT_NEAR(band.y[0], 0.74, 1e-9);
  EXPECT_NEAR(band.band_hi[0] - band.y[0], 0.02, 1e-9);
  EXPECT_NEAR(band.y[0] - band.band_lo[0], 0.02, 1e-9);
  const std::string html = RenderReportHtml(runs);
  EXPECT_NE(html.find("class=\"band\""), std::string::npos);
  EXPECT_NE(SectionText(html, "config-diff").find("s1, s2, s3 differ only in run.seed"),
            std::string::npos);
}

TEST_F(ReportPanels, PbrlLabelsComeFromTheFeedbackFile) {
  FakeRun run;
  run.config = "pipeline: pbrl\n";
  run.summary = R"({"pipeline": "pbrl", "normalized_return": 0.8, "rm_accuracy": 0.9})";
  run.metrics = "{\"step\": 100, \"rm/train_accuracy\": 0.9, \"reward_pearson\": 0.5}\n";
  run.feedback =
      "{\"step\": 100, \"first\": 0, \"second\": 1, \"label\": 1, \"teacher\": \"t\"}\n"
      "{\"step\": 100, \"first\": 2, \"second\": 3, \"label\": null, \"teacher\": \"t\"}\n"
      "{\"step\": 200, \"first\": 4, \"second\": 5, \"label\": 0.5, \"teacher\": \"t\"}\n";
  const std::string html = RenderReportHtml(LoadRuns({Run("pbrl-run", run)}));
  const std::string panels = SectionText(html, "pbrl");
  EXPECT_NE(panels.find("pbrl-run asked · environment step 200: 3"), std::string::npos) << panels;
  EXPECT_NE(panels.find("pbrl-run answered · environment step 200: 2"), std::string::npos);
  EXPECT_NE(panels.find("pbrl-run ties · environment step 200: 1"), std::string::npos);
  EXPECT_NE(panels.find("data-title=\"reward model vs teacher labels\""), std::string::npos);
  EXPECT_LT(SectionText(html, "headline").find(">normalized_return<"),
            SectionText(html, "headline").find(">rm_accuracy<"));
}

}  // namespace
}  // namespace rlab::report
