// rlab study: one study of reward theory (rl/tabular/study.h) over seeds. The table of its
// figures goes to stdout, the progress to stderr, and with --out the same summary as JSON.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "rlab/cli/commands.h"
#include "rlab/cli/id_list.h"
#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/rl/tabular/study.h"
#include "rlab/rl/tabular/study_summary.h"

namespace rlab::cli {

namespace {

struct StudyRequest {
  std::string spec;
  std::string seeds = "1,2,3";
  std::string out;
  bool list = false;
};

std::vector<uint64_t> SeedList(const std::string& text) {
  std::vector<uint64_t> seeds;
  for (int64_t seed : ParseIdList(text, "--seeds")) {
    RLAB_CHECK(seed >= 0, "--seeds: seed {} is negative", seed);
    seeds.push_back(static_cast<uint64_t>(seed));
  }
  RLAB_CHECK(!seeds.empty(), "--seeds: give at least one seed, for example 1,2,3");
  return seeds;
}

void Run(const StudyRequest& request) {
  if (request.list) {
    rl::tabular::RegisterStudies();
    std::printf("studies:\n%s", rl::tabular::Studies().Help().c_str());
    return;
  }
  RLAB_CHECK(!request.spec.empty(),
             "study: name a study, for example `rlab study rover`; `rlab study --list` lists them");
  const rl::tabular::StudySummary summary =
      rl::tabular::RunStudy(request.spec, SeedList(request.seeds), [&](size_t done, size_t total) {
        std::fprintf(stderr, "study %s: seed %zu of %zu done\n", request.spec.c_str(), done, total);
      });
  std::printf("%s", rl::tabular::FormatTable(summary).c_str());
  if (!request.out.empty()) {
    WriteFileAtomic(request.out, rl::tabular::ToJson(summary).dump(2) + "\n");
  }
}

}  // namespace

void AddStudyCommand(CLI::App& app) {
  auto request = std::make_shared<StudyRequest>();
  CLI::App* cmd = app.add_subcommand(
      "study", "run a study of reward theory (risk, channels, horizons, ...) over seeds");
  cmd->add_option("spec", request->spec, "study spec, for example rover(depth=4)");
  cmd->add_option("--seeds", request->seeds, "comma-separated seeds")->capture_default_str();
  cmd->add_option("--out", request->out, "also write the summary as JSON to this file");
  cmd->add_flag("--list", request->list, "list the studies with their keys and defaults");
  cmd->callback([request] { Run(*request); });
}

}  // namespace rlab::cli
