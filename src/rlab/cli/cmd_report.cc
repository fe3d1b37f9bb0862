// rlab report RUN_DIR [RUN_DIR ...] [-o OUT.html] [--log-y]: one self-contained HTML page with
// the pipelines' headline figures and own panels, every metric (runs overlaid, repeats over
// seeds as mean +- std bands), sample completions, summaries, and the settings that differ.
#include <cstdio>

#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/report/report_html.h"

namespace rlab::cli {

void AddReportCommand(CLI::App& app) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto options = std::make_shared<report::ReportOptions>();
  CLI::App* cmd =
      app.add_subcommand("report", "write an HTML report with plots for one or more runs");
  cmd->add_option("runs", *dirs, "run directories (as `rlab run` printed them) to compare")
      ->required();
  cmd->add_option("-o,--out", *out,
                  "where to write the report; when not given, RUN_DIR/report.html");
  cmd->add_flag("--log-y", options->log_y,
                "logarithmic y-axes for every metric whose values are all positive (without "
                "it, only for positive metrics spanning more than three decades)");
  cmd->callback([dirs, out, options] {
    InitCommandLogging();  // warnings (a torn metrics line) go to stderr, not into stdout
    const std::vector<std::filesystem::path> paths(dirs->begin(), dirs->end());
    const std::filesystem::path target =
        out->empty() ? paths.front() / "report.html" : std::filesystem::path(*out);
    const auto written = report::WriteReport(paths, target, *options);
    std::printf("%s\n", written.string().c_str());
  });
}

}  // namespace rlab::cli
