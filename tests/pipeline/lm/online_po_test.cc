// The online-po pipeline end to end on tiny settings: the summary and metric lines carry the
// figures users know (exploitability on a task whose judge is a game), a resumed run ends where
// an uninterrupted one does (a moving reference included), and bad objective, judge and group
// settings are refused by name.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pipeline/run_files.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::RunMetricLines;
using testing::RunSummary;
using testing::ScratchDir;

class OnlinePoPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"online_po_pipeline"};
  RunRequest Request(std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "online-po";
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(),
                   "run.log_every=1",
                   "prompts_per_step=2",
                   "group_size=2",
                   "max_new_tokens=6",
                   "optim.steps=4",
                   "eval_every=0",
                   "eval_prompts=4",
                   "data=task:keywords",
                   "optim.learning_rate=1e-3"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(OnlinePoPipeline, ReportsTheFiguresUsersKnow) {
  const auto run = ExecuteRun(Request({}));
  const nlohmann::json summary = RunSummary(run);
  for (const char* key : {"gold_win_rate", "kl", "gold_reward", "gold_reward_reference",
                          "train_loss", "objective", "judge", "steps", "model_dir"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  EXPECT_EQ(summary["steps"].get<int64_t>(), 4);
  const auto lines = RunMetricLines(run);
  ASSERT_EQ(lines.size(), 6u);  // start evaluation, four steps, final evaluation
  EXPECT_TRUE(lines[0].contains("eval_gold_win_rate"));
  EXPECT_TRUE(lines[1].contains("rewards/chosen"));
  EXPECT_TRUE(lines[1].contains("judge/best_win_rate"));
}

TEST_F(OnlinePoPipeline, OnACyclicTaskItReportsExploitability) {
  const auto run = ExecuteRun(Request({"data=task:cyclic", "optim.steps=1"}));
  const nlohmann::json summary = RunSummary(run);
  EXPECT_TRUE(summary.contains("eval_exploitability")) << summary.dump();
  EXPECT_TRUE(summary.contains("exploitability_reference")) << summary.dump();
}

TEST_F(OnlinePoPipeline, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  const auto full =
      ExecuteRun(Request({"optim.steps=4", "run.checkpoint_every=2", "ref_update_every=1"}));
  const auto cut = dir_ / "cut";
  testing::RollBackCopy(full, cut, 2, 4);
  testing::ResumeRun(cut);
  for (const char* key : {"train_loss", "gold_reward", "kl", "gold_win_rate"}) {
    EXPECT_EQ(RunSummary(cut)[key].get<double>(), RunSummary(full)[key].get<double>()) << key;
  }
}

// CREAM judges by beta log(pi / pi_ref): against a copy of the start no pair forms and the
// policy stays; `reference` (here the preset's untrained weights, the same seed's draw) gives
// it a judge, and the policy moves away from its start.
TEST_F(OnlinePoPipeline, AnotherReferenceLetsSelfRewardingObjectivesTrain) {
  const auto start = ExecuteRun(Request({"optim.steps=2", "run.name=start"})) / "model";
  const std::string model = "model=" + start.string();
  const nlohmann::json alone =
      RunSummary(ExecuteRun(Request({model, "objective=cream(beta=0.1)", "run.name=alone"})));
  EXPECT_LT(alone["kl"].get<double>(), 1e-5) << alone.dump();  // float32 rounding only
  const nlohmann::json judged = RunSummary(ExecuteRun(
      Request({model, "reference=preset:tiny", "objective=cream(beta=0.1)", "run.name=judged"})));
  EXPECT_GT(judged["kl"].get<double>(), 1e-2) << judged.dump();
  EXPECT_EQ(judged["gold_reward_reference"], alone["gold_reward_reference"]);  // both vs start
}

TEST_F(OnlinePoPipeline, BadSettingsAreRefusedByName) {
  std::string error = testing::ErrorOf([&] { ExecuteRun(Request({"objective=online_pdo"})); });
  EXPECT_NE(error.find("west_of_n"), std::string::npos) << error;
  error = testing::ErrorOf([&] { ExecuteRun(Request({"judge=oracle"})); });
  EXPECT_NE(error.find("gold"), std::string::npos) << error;
  error = testing::ErrorOf([&] { ExecuteRun(Request({"group_size=1"})); });
  EXPECT_NE(error.find("group_size"), std::string::npos) << error;
  // Neither a task nor a prompt file (.jsonl or .json).
  error = testing::ErrorOf([&] { ExecuteRun(Request({"data=prompts.txt"})); });
  EXPECT_NE(error.find("task:SPEC"), std::string::npos) << error;
}

}  // namespace
}  // namespace rlab::pipeline
