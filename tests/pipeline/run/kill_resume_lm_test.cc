// SIGKILL at exact moments (kill_support.h) for bt-recovery and the language-model pipelines
// sft, dpo and train-rm, on small data files: each run is killed right after its final
// checkpoint (a resumed run then trains no more, and its summary must still report the last
// training loss), between summary.json's temporary write and its rename and, for the language
// models, before its first checkpoint, then resumed; its metric lines and summary must equal an
// uninterrupted run's, machine fields aside. Every run has three checkpoints. Kills between a
// checkpoint and latest.json are resume_test.cc's (slow label) for bt-recovery, sft and dpo, so
// only train-rm takes that point here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "pipeline/run/kill_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

// `rlab <command> <args>` with its runs under `out_dir`, one thread, six steps with a
// checkpoint every two (the last one after the final step).
std::function<std::vector<std::string>(const fs::path&)> LmRun(const std::string& command,
                                                               std::vector<std::string> args) {
  return [=](const fs::path& out_dir) {
    std::vector<std::string> all = {command};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(),
               {"--model", "tiny", "--steps", "6", "run.checkpoint_every=2", "run.log_every=1",
                "run.threads=1", "run.progress_seconds=1000", "run.out_dir=" + out_dir.string()});
    return all;
  };
}

// The kill points of a run with three checkpoints that resume_test.cc does not already cover.
std::vector<testing::KillPoint> LmKillPoints() {
  return {testing::BeforeFirstCheckpoint(), testing::AfterCheckpoint(3),
          testing::BeforeSummaryRename()};
}

// The preference file: 40 prompts "Qi: i+1=" preferring " i+1" over " i+2".
fs::path WritePreferencePairs(const testing::ScratchDir& dir) {
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += nlohmann::json{{"prompt", fmt::format("Q{}: {}+1=", i, i)},
                            {"chosen", fmt::format(" {}", i + 1)},
                            {"rejected", fmt::format(" {}", i + 2)}}
                 .dump() +
             "\n";
  }
  testing::WriteText(dir / "prefs.jsonl", lines);
  return dir / "prefs.jsonl";
}

TEST(KillResumeLm, BtRecoveryKilledAfterItsFinalCheckpointResumesToTheUninterruptedRun) {
  // 300 steps on 500 comparisons; checkpoints at 100, 200 and 300. A run resumed from the last
  // one reported final_loss 0 before the checkpoints kept it; reward_model.pt is replaced
  // atomically, so a kill can land right before its rename.
  const auto args = [](const fs::path& out_dir) {
    return std::vector<std::string>{"run",
                                    std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml",
                                    "data.items=200",
                                    "data.train_pairs=500",
                                    "data.heldout_pairs=200",
                                    "train.steps=300",
                                    "run.log_every=50",
                                    "run.checkpoint_every=100",
                                    "run.threads=1",
                                    "run.out_dir=" + out_dir.string()};
  };
  testing::ExpectKilledRunsResumeToTheReference(
      "bt-recovery", args,
      {testing::AfterCheckpoint(3), {"reward_model.pt", 1, false}, testing::BeforeSummaryRename()});
}

TEST(KillResumeLm, SftKilledBeforeItsFirstOrAfterItsLastCheckpointResumesToTheUninterruptedRun) {
  // A data file (no task): the held-out share is evaluated at the start, at step 3 and at the
  // end; the final evaluation follows the final checkpoint, so a run killed after that
  // checkpoint logs it once.
  testing::ScratchDir data("kill-sft-data");
  std::string lines;
  for (int i = 0; i < 40; ++i) {
    lines += nlohmann::json{{"prompt", fmt::format("say {}:", i % 4)},
                            {"completion", std::string(3, static_cast<char>('a' + i % 4))}}
                 .dump() +
             "\n";
  }
  testing::WriteText(data / "sft.jsonl", lines);
  testing::ExpectKilledRunsResumeToTheReference(
      "sft",
      LmRun("sft", {"--data", (data / "sft.jsonl").string(), "optim.batch_size=4",
                    "data.eval_fraction=0.1", "eval_every=3"}),
      LmKillPoints());
}

TEST(KillResumeLm, DpoKilledBeforeItsFirstOrAfterItsLastCheckpointResumesToTheUninterruptedRun) {
  testing::ScratchDir data("kill-dpo-data");
  testing::ExpectKilledRunsResumeToTheReference(
      "dpo",
      LmRun("dpo",
            {"--data", WritePreferencePairs(data).string(), "optim.batch_size=4", "eval_every=3"}),
      LmKillPoints());
}

TEST(KillResumeLm, TrainRmKilledAnywhereResumesToTheUninterruptedRun) {
  // The last checkpoint follows the finished member; the held-out evaluation follows it.
  testing::ScratchDir data("kill-train-rm-data");
  testing::ExpectKilledRunsResumeToTheReference(
      "train-rm",
      LmRun("train-rm",
            {"--data", WritePreferencePairs(data).string(), "optim.batch_size=4", "eval_every=3"}),
      testing::StandardKillPoints(3));
}

}  // namespace
}  // namespace rlab
