// rlab: the command-line entry point. Library code throws rlab::Error; this is the one place
// that turns an error into one clear line on stderr and a non-zero exit status (see
// error_report.h).
#include "rlab/cli/command_logging.h"
#include "rlab/cli/commands.h"
#include "rlab/cli/error_report.h"
#include "rlab/core/log.h"
#include "rlab/core/provenance.h"

namespace rlab::cli {
namespace {
bool g_verbose = false;
}  // namespace

void EnableVerboseLogging() { g_verbose = true; }
void InitCommandLogging() { InitConsoleLogging(g_verbose); }

}  // namespace rlab::cli

int main(int argc, char** argv) {
  rlab::RecordCommandLine(argc, argv);  // for the provenance of runs
  CLI::App app{"rewardlab: learning from rewards and preferences", "rlab"};
  app.option_defaults()->always_capture_default();
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("rewardlab ") + RLAB_VERSION);
  app.add_flag_callback("-v,--verbose", rlab::cli::EnableVerboseLogging, "debug logging");
  try {
    rlab::cli::AddAllCommands(app);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return rlab::cli::ReportParseError(app, e);
  } catch (...) {
    return rlab::cli::ReportCurrentException(app);
  }
  return 0;
}
