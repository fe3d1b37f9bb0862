// Learning and determinism of the bt-recovery pipeline, run in-process through the runner.
#include "rlab/pipeline/lab/bt_recovery.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path RunExample(const fs::path& out_dir, std::vector<std::string> overrides) {
  RunRequest request;
  request.config_path = std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml";
  request.overrides = std::move(overrides);
  request.overrides.push_back("run.out_dir=" + out_dir.string());
  request.overrides.push_back("run.threads=1");
  return ExecuteRun(request);
}

using testing::RunSummary;

TEST(BtRecovery, LinearModelRecoversTheHiddenReward) {
  testing::ScratchDir scratch("bt-linear");
  const fs::path dir = RunExample(scratch.path(), {"train.steps=600"});
  const auto s = RunSummary(dir);
  // The teacher flips 10% of labels and is noisy near ties; the model must still order
  // held-out pairs as the hidden reward does and correlate with it almost perfectly.
  EXPECT_GE(s["heldout_accuracy"].get<double>(), 0.93) << s.dump();
  EXPECT_GE(s["pearson"].get<double>(), 0.97) << s.dump();
  EXPECT_GT(s["wall_seconds"].get<double>(), 0.0);
  // The best held-out item as the MLE and the pessimistic MLE choose it: suboptimality is the
  // hidden reward left on the table, >= 0, and small once the reward is recovered.
  for (const char* key : {"mle_choice_suboptimality", "pessimistic_choice_suboptimality"}) {
    ASSERT_TRUE(s.contains(key)) << key;
    EXPECT_GE(s[key].get<double>(), 0.0) << key;
    EXPECT_LT(s[key].get<double>(), 0.5) << key << " " << s.dump();
  }
  for (const char* f : {"config.yaml", "metrics.jsonl", "log.txt", "summary.json",
                        "reward_model.pt", "checkpoints/latest.json"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
}

TEST(BtRecovery, MlpRewardModelAlsoLearns) {
  testing::ScratchDir scratch("bt-mlp");
  const auto s = RunSummary(
      RunExample(scratch.path(), {"train.steps=600", "model.hidden=[32]", "train.lr=3e-3"}));
  EXPECT_GE(s["heldout_accuracy"].get<double>(), 0.9) << s.dump();
  EXPECT_GE(s["pearson"].get<double>(), 0.95) << s.dump();
  // The confidence set is the linear model's: an MLP reports no pessimistic choice.
  EXPECT_FALSE(s.contains("pessimistic_choice_suboptimality")) << s.dump();
}

TEST(BtRecovery, SameSeedGivesBitIdenticalMetricsAndOtherSeedDoesNot) {
  testing::ScratchDir scratch("bt-determinism");
  const std::vector<std::string> o{"train.steps=300", "run.log_every=50"};
  const fs::path a = RunExample(scratch / "a", o);
  const fs::path b = RunExample(scratch / "b", o);
  auto other = o;
  other.push_back("run.seed=2");
  const fs::path c = RunExample(scratch / "c", other);
  const std::string ma = testing::ReadText(a / "metrics.jsonl");
  EXPECT_EQ(ma, testing::ReadText(b / "metrics.jsonl"));
  EXPECT_NE(ma, testing::ReadText(c / "metrics.jsonl"));
  int lines = 0;
  ForEachJsonl(a / "metrics.jsonl", [&](const nlohmann::json& j) {
    ++lines;
    EXPECT_EQ(j["step"].get<int>(), 50 * lines);
  });
  EXPECT_EQ(lines, 6);
}

}  // namespace
}  // namespace rlab::pipeline
