// The dpo pipeline end to end on small settings: the summary holds the figures and
// TRL's metric names; at the start the policy equals the reference (zero implicit rewards,
// zero KL); the reference log-probs are cached in the run directory and a resumed run ends
// where an uninterrupted one does; reference-free losses need no cache; KTO trains on
// unpaired `label` files and PRO on rankings; data or losses that do not fit are refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

using testing::ScratchDir;
namespace fs = std::filesystem;

using testing::RunSummary;

using testing::RunMetricLines;

class DpoPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"dpo_pipeline"};
  RunRequest Request(std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "dpo";
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(),
                   "run.log_every=5",
                   "optim.batch_size=4",
                   "optim.steps=6",
                   "eval_every=0",
                   "data.train=task:keywords",
                   "data.task_train_pairs=24",
                   "data.task_eval_pairs=8",
                   "data.task_eval_prompts=6",
                   "data.max_length=96",
                   "optim.learning_rate=1e-3"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(DpoPipeline, ReportsTrlMetricsWinRateAndKlAndCachesTheReference) {
  const auto run = ExecuteRun(Request({}));
  const nlohmann::json s = RunSummary(run);
  for (const char* key :
       {"gold_win_rate", "kl", "gold_reward", "gold_reward_reference", "eval_rewards/accuracies",
        "eval_rewards/margins", "eval_logps/chosen", "train_loss", "train_pairs_per_second"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_EQ(s["train_units"].get<int64_t>(), 24);
  EXPECT_TRUE(fs::exists(run / "reference_logps_train.pt"));
  EXPECT_TRUE(fs::exists(run / "model" / "model.safetensors"));
  // Before any step the policy is the reference: DPO's implicit rewards and the KL vanish
  // and the policy's samples tie with the reference's (same generator seed).
  const auto lines = RunMetricLines(run);
  ASSERT_FALSE(lines.empty());
  const nlohmann::json& first = lines.front();
  EXPECT_EQ(first["step"].get<int64_t>(), 0);
  EXPECT_NEAR(first["eval_rewards/chosen"].get<double>(), 0.0, 1e-4);
  EXPECT_NEAR(first["eval_rewards/margins"].get<double>(), 0.0, 1e-4);
  EXPECT_NEAR(first["eval_kl"].get<double>(), 0.0, 1e-2);
  EXPECT_DOUBLE_EQ(first["eval_gold_win_rate"].get<double>(), 0.5);
  // Training moved the policy: nonzero implicit rewards in the training lines.
  bool moved = false;
  double num_tokens = 0;  // TRL's running count of real tokens: grows with every training line
  for (const auto& l : lines) {
    if (l.contains("rewards/margins"))
      moved = moved || std::abs(l["rewards/margins"].get<double>()) > 1e-4;
    if (l.contains("num_tokens")) {
      EXPECT_GT(l["num_tokens"].get<double>(), num_tokens) << l.dump();
      num_tokens = l["num_tokens"].get<double>();
    }
  }
  EXPECT_TRUE(moved);
  // 6 steps of 4 pairs, each pair two sequences of at least BOS, a prompt token and EOS.
  EXPECT_GE(num_tokens, 6 * 4 * 2 * 3);
}

TEST_F(DpoPipeline, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  const auto full = ExecuteRun(Request({"optim.steps=8", "run.checkpoint_every=4"}));
  const auto cut = dir_ / "cut";
  testing::RollBackCopy(full, cut, 4, 8);
  testing::ResumeRun(cut);
  EXPECT_EQ(RunSummary(cut)["train_loss"].get<double>(),
            RunSummary(full)["train_loss"].get<double>());
  EXPECT_EQ(RunSummary(cut)["gold_win_rate"].get<double>(),
            RunSummary(full)["gold_win_rate"].get<double>());
  // The token count is a counter of the checkpoint, so the resumed run's last line agrees.
  const auto last_count = [](const fs::path& run) {
    double n = -1;
    for (const auto& l : RunMetricLines(run)) {
      if (l.contains("num_tokens")) n = l["num_tokens"].get<double>();
    }
    return n;
  };
  EXPECT_GT(last_count(full), 0);
  EXPECT_EQ(last_count(cut), last_count(full));
}

TEST_F(DpoPipeline, ReferenceFreeLossesWriteNoCache) {
  const auto run = ExecuteRun(Request({"loss_type=[simpo(gamma=0.5)]"}));
  EXPECT_FALSE(fs::exists(run / "reference_logps_train.pt"));
  EXPECT_NE(RunSummary(run)["loss_type"].get<std::string>().find("simpo"), std::string::npos);
}

TEST_F(DpoPipeline, CombinedLossesAreWeighted) {
  const auto run =
      ExecuteRun(Request({"loss_type=[sigmoid,rpo(alpha=1)]", "loss_weights=[1,0.5]"}));
  EXPECT_TRUE(RunSummary(run).contains("train_loss"));
  const std::string msg =
      testing::ErrorOf([&] { ExecuteRun(Request({"loss_type=[sigmoid,kto]"})); });
  EXPECT_NE(msg.find("cannot be combined"), std::string::npos) << msg;
}

TEST_F(DpoPipeline, KtoTrainsOnUnpairedLabelsAndPairsAlike) {
  std::string lines;
  for (int i = 0; i < 12; ++i) {
    lines += nlohmann::json{{"prompt", "topic " + std::to_string(i) + ": "},
                            {"completion", i % 2 ? "a good answer" : "bad"},
                            {"label", i % 2 == 1}}
                 .dump() +
             "\n";
  }
  testing::WriteText(dir_ / "unpaired.jsonl", lines);
  const auto run =
      ExecuteRun(Request({"loss_type=[kto]", "data.train=" + (dir_ / "unpaired.jsonl").string(),
                          "data.eval_fraction=0.25"}));
  const nlohmann::json s = RunSummary(run);
  EXPECT_EQ(s["train_units"].get<int64_t>(), 9);
  EXPECT_TRUE(s.contains("eval_reference_point")) << s.dump();
  EXPECT_FALSE(s.contains("gold_win_rate"));  // a file has no gold reward
  // Task pairs become one desirable and one undesirable completion each.
  const auto paired = ExecuteRun(Request({"loss_type=[kto(desirable_weight=1.5)]"}));
  EXPECT_EQ(RunSummary(paired)["train_units"].get<int64_t>(), 48);
  // Unpaired feedback does not fit a pairwise loss.
  const std::string msg = testing::ErrorOf(
      [&] { ExecuteRun(Request({"data.train=" + (dir_ / "unpaired.jsonl").string()})); });
  EXPECT_NE(msg.find("loss_type kto only"), std::string::npos) << msg;
}

TEST_F(DpoPipeline, ProTrainsOnRankingsAndSkipsBestOfN) {
  std::string lines;
  for (int i = 0; i < 6; ++i) {
    lines += nlohmann::json{{"prompt", "q" + std::to_string(i) + "="},
                            {"ranking", {"best", "middle answer", "worst one"}}}
                 .dump() +
             "\n";
  }
  lines +=
      nlohmann::json{{"prompt", "q="}, {"chosen", "x"}, {"rejected", {"y", "z"}}}.dump() + "\n";
  testing::WriteText(dir_ / "ranked.jsonl", lines);
  const auto run = ExecuteRun(Request({"loss_type=[pro(sft_weight=0.1)]", "data.eval_fraction=0",
                                       "data.train=" + (dir_ / "ranked.jsonl").string()}));
  EXPECT_EQ(RunSummary(run)["train_units"].get<int64_t>(), 6);
  EXPECT_EQ(RunSummary(run)["train_skipped"].get<int64_t>(), 1);
  // The same file under DPO: every ordered pair of a ranking, the chosen against each rejected.
  const auto dpo = ExecuteRun(
      Request({"data.eval_fraction=0", "data.train=" + (dir_ / "ranked.jsonl").string()}));
  EXPECT_EQ(RunSummary(dpo)["train_units"].get<int64_t>(), 6 * 3 + 2);
}

TEST_F(DpoPipeline, SftStageRunsOnceIsReusedAndKeepsTheParentsThreadSettings) {
  const auto run = ExecuteRun(
      Request({"sft.steps=3", "sft.batch_size=8", "sft.examples=40", "run.blas_threads=1"}));
  int children = 0;
  for (const auto& e : fs::directory_iterator(run)) {
    if (e.is_directory() && e.path().filename().string().starts_with("sft-")) {
      ++children;
      EXPECT_TRUE(fs::exists(e.path() / "model" / "model.safetensors"));
      EXPECT_TRUE(fs::exists(e.path() / "summary.json"));
      // The stage's timings and numerics follow the parent's settings, not the machine's.
      EXPECT_NE(ReadFile(e.path() / "config.yaml").find("blas_threads: 1"), std::string::npos);
    }
  }
  EXPECT_EQ(children, 1);
  EXPECT_NE(ReadFile(run / "log.txt").find("finished"), std::string::npos);
}

}  // namespace
}  // namespace rlab::pipeline
