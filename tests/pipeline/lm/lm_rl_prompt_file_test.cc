// rl on a user's prompt file end to end: GRPO rewarded by a reward-model directory plus a
// weighted exact match against the file's answer column trains a few steps, logs the reward
// sources' figures and no gold metric, and writes its summary and model; best-of-N on the
// same file reports the reward without a gold figure; online DPO judged by the reward model
// reports the judge's win rate against the start. About 3 s of one core in all.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "models/transformer/tiny_configs.h"
#include "pipeline/run_files.h"
#include "rlab/pipeline/run/runner.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

class LmRlPromptFile : public ::testing::Test {
 protected:
  testing::ScratchDir dir_{"lm_rl_prompt_file"};

  void SetUp() override {
    std::string lines;
    for (int a = 1; a <= 12; ++a) {
      lines += fmt::format(R"({{"prompt": "{}+{}=", "answer": "{}"}})", a, a % 5, a + a % 5) + "\n";
    }
    testing::WriteText(dir_ / "prompts.jsonl", lines);
    // An untrained reward model is enough to exercise the path; its scores are arbitrary.
    models::TransformerConfig config = models::testing::TinyLlama();
    config.vocab_size = models::ByteTokenizer().vocab_size();
    torch::manual_seed(3);
    models::SequenceRewardModel rm(config, 1);
    models::ByteTokenizer bytes;
    reward::SaveRewardModelDir(rm, "bradley_terry", &bytes, {}, dir_ / "rm");
  }

  RunRequest PromptFileRequest(std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "rl";
    r.threads = 1;
    r.overrides = {
        "run.out_dir=" + (dir_ / "runs").string(),
        "run.log_every=1",
        "data=" + (dir_ / "prompts.jsonl").string(),
        "eval_fraction=0.25",
        fmt::format(R"x(reward=["model(path=\"{}\")", "exact_match"])x", (dir_ / "rm").string()),
        "reward_weights=[1.0, 0.5]",
        "optim.batch_size=2",
        "group_size=2",
        "optim.steps=3",
        "max_new_tokens=4",
        "eval_every=0",
        "eval_prompts=3"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(LmRlPromptFile, GrpoWithARewardModelDirectoryTrainsAndWritesItsSummary) {
  const fs::path run = ExecuteRun(PromptFileRequest({}));
  const nlohmann::json s = testing::RunSummary(run);
  EXPECT_EQ(s["steps"].get<int64_t>(), 3);
  EXPECT_TRUE(s["gold"].get<std::string>().starts_with("none")) << s.dump();
  EXPECT_FALSE(s.contains("exact_match")) << s.dump();
  EXPECT_FALSE(s.contains("reward_start")) << s.dump();
  for (const char* key : {"eval_reward", "eval_kl", "eval_rewards/model",
                          "eval_rewards/exact_match", "reward", "kl"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_TRUE(fs::exists(run / "model" / "model.safetensors"));
  // The evaluations' samples carry their reward and no gold reward.
  const std::string samples = testing::ReadText(run / "samples.jsonl");
  EXPECT_NE(samples.find("\"reward\""), std::string::npos) << samples;
  EXPECT_EQ(samples.find("\"gold\""), std::string::npos) << samples;
  int training_lines = 0;
  for (const nlohmann::json& line : testing::RunMetricLines(run)) {
    for (const auto& [name, value] : line.items()) EXPECT_FALSE(name.starts_with("gold_")) << name;
    if (line.contains("reward_std")) ++training_lines;
  }
  EXPECT_EQ(training_lines, 3);
}

TEST_F(LmRlPromptFile, BestOfNReportsTheRewardWithoutAGoldFigure) {
  const nlohmann::json s = testing::RunSummary(ExecuteRun(PromptFileRequest({"algo=bon"})));
  EXPECT_EQ(s["prompts"].get<int64_t>(), 3);
  EXPECT_GE(s["reward"].get<double>(), s["reward_start"].get<double>());
  EXPECT_TRUE(s["gold"].get<std::string>().starts_with("none")) << s.dump();
}

TEST_F(LmRlPromptFile, TheTaskRewardAndAnSftStageAreRefusedForAFile) {
  const std::string task_reward = testing::ErrorOf([&] {
    ExecuteRun(PromptFileRequest({"reward=[task]", "reward_weights=[]"}));
  });
  EXPECT_NE(task_reward.find("prompt file"), std::string::npos) << task_reward;
  const std::string sft = testing::ErrorOf([&] { ExecuteRun(PromptFileRequest({"sft.steps=5"})); });
  EXPECT_NE(sft.find("sft.steps"), std::string::npos) << sft;
}

TEST_F(LmRlPromptFile, OnlineDpoJudgedByTheRewardModelReportsTheJudgesWinRate) {
  RunRequest r;
  r.pipeline = "online-po";
  r.threads = 1;
  r.overrides = {"run.out_dir=" + (dir_ / "runs").string(),
                 "data=" + (dir_ / "prompts.jsonl").string(),
                 "eval_fraction=0.25",
                 fmt::format(R"(judge=model(path="{}"))", (dir_ / "rm").string()),
                 "prompts_per_step=2",
                 "group_size=2",
                 "max_new_tokens=4",
                 "optim.steps=2",
                 "eval_every=0",
                 "eval_prompts=3"};
  const nlohmann::json s = testing::RunSummary(ExecuteRun(r));
  EXPECT_EQ(s["steps"].get<int64_t>(), 2);
  EXPECT_GE(s["judge_win_rate"].get<double>(), 0.0);
  EXPECT_LE(s["judge_win_rate"].get<double>(), 1.0);
  EXPECT_FALSE(s.contains("gold_win_rate")) << s.dump();
  EXPECT_TRUE(s["gold"].get<std::string>().starts_with("none")) << s.dump();
  r.overrides.push_back("judge=gold");
  EXPECT_NE(testing::ErrorOf([&] { ExecuteRun(r); }).find("judge=model(path=DIR)"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::pipeline
