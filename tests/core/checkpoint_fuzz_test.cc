// Fuzzing what a run reads back when it resumes: checkpoints/latest.json, the checkpoint
// archive it names, and metrics.jsonl (cut back to the checkpoint's step). Each mutant
// restores or fails with an rlab::Error; nothing crashes, hangs or throws a libtorch or JSON
// exception.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "fuzz_support.h"
#include "rlab/core/checkpoint.h"
#include "rlab/core/metrics.h"
#include "rlab/core/rng.h"
#include "test_support.h"

namespace rlab {
namespace {

using testing::Fuzz;
using testing::ScratchDir;
using testing::WriteText;

struct Resumable {
  torch::nn::Linear net{3, 2};
  torch::optim::Adam adam{net->parameters(), torch::optim::AdamOptions(0.1)};
  Rng rng{5};
  CheckpointState state;
  Resumable() {
    state.AddModule("net", net.ptr());
    state.AddOptimizer("adam", &adam);
    state.AddRng("rng", &rng);
  }
};

const std::vector<std::string> kCheckpointDictionary{
    "\"step\"",    "\"file\"",        "\"step-000000003.pt\"",
    "\"../x.pt\"", "\"/etc/passwd\"", "\"checkpoints\""};

class CheckpointFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    torch::manual_seed(0);
    Resumable run;
    CheckpointManager(dir_.path(), 2).Save(run.state, {{"step", 3}, {"loss", 0.5}});
  }
  ScratchDir dir_{"checkpoint-fuzz"};
};

TEST_F(CheckpointFuzz, MutatedLatestJsonRestoresOrFailsCleanly) {
  const std::string latest = testing::ReadText(dir_ / "latest.json");
  testing::ExpectNoFaults(Fuzz(
      {.name = "latest-json", .seeds = {latest}, .dictionary = kCheckpointDictionary, .cases = 400},
      [&](const std::string& text) {
        WriteText(dir_ / "latest.json", text);
        Resumable run;
        (void)CheckpointManager(dir_.path(), 2).RestoreLatest(run.state);
      }));
}

TEST_F(CheckpointFuzz, MutatedCheckpointArchivesRestoreOrFailCleanly) {
  const auto archive = dir_ / "step-000000003.pt";
  const std::string bytes = testing::ReadText(archive);
  testing::ExpectNoFaults(Fuzz({.name = "checkpoint-archive",
                                .seeds = {bytes},
                                .dictionary = kCheckpointDictionary,
                                .cases = 300},
                               [&](const std::string& text) {
                                 WriteText(archive, text);
                                 Resumable run;
                                 (void)CheckpointManager(dir_.path(), 2).RestoreLatest(run.state);
                               }));
}

TEST(MetricsFuzz, MutatedMetricsLogsAreCutBackOrFailCleanly) {
  ScratchDir dir("metrics-fuzz");
  const auto file = dir / "metrics.jsonl";
  const std::string log =
      "{\"step\": 0, \"loss\": 1.5, \"kl\": null}\n{\"step\": 10, \"loss\": 0.75}\n"
      "{\"step\": 20, \"loss\": 0.5, \"rewards/chosen\": -1e-3}\n{\"step\": 30, \"eval\": 2}\n";
  testing::ExpectNoFaults(Fuzz({.name = "metrics-jsonl",
                                .seeds = {log, log.substr(0, log.size() - 9)},
                                .dictionary = {"\"step\"", "\"loss\""},
                                .cases = 400},
                               [&](const std::string& text) {
                                 WriteText(file, text);
                                 MetricsLogger::TruncateAfter(file, 10);
                               }));
}

}  // namespace
}  // namespace rlab
