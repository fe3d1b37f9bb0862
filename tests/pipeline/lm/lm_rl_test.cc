// The rl pipeline (online RL of a language model) end to end on small settings: the summary
// and metric lines carry the names users know; a resumed run ends where an uninterrupted one
// does; the KL can sit in the reward with an adaptive coefficient; transforms that need a
// reference reward get the reference policy's sample; bad settings are refused by name.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

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

class LmRlPipeline : public ::testing::Test {
 protected:
  ScratchDir dir_{"lm_rl_pipeline"};
  RunRequest Request(std::vector<std::string> extra) {
    RunRequest r;
    r.pipeline = "rl";
    r.threads = 1;
    r.overrides = {"run.out_dir=" + (dir_ / "runs").string(),
                   "run.log_every=1",
                   "optim.batch_size=4",
                   "group_size=4",
                   "optim.steps=4",
                   "eval_every=0",
                   "eval_prompts=8",
                   "data=task:arithmetic(digits=1)",
                   "optim.learning_rate=1e-3"};
    r.overrides.insert(r.overrides.end(), extra.begin(), extra.end());
    return r;
  }
};

TEST_F(LmRlPipeline, ReportsTheFiguresUsersKnow) {
  const auto run = ExecuteRun(Request({}));
  const nlohmann::json s = RunSummary(run);
  for (const char* key :
       {"exact_match_start", "exact_match", "kl", "reward", "time_generation_share",
        "time_training_share", "seconds_per_step", "rollout_tokens_per_second"}) {
    EXPECT_TRUE(s.contains(key)) << key << " missing in " << s.dump();
  }
  EXPECT_TRUE(fs::exists(run / "model" / "model.safetensors"));
  const auto lines = RunMetricLines(run);
  int training_lines = 0;
  for (const auto& l : lines) {
    if (!l.contains("reward")) continue;
    ++training_lines;
    for (const char* key : {"reward_std", "frac_reward_zero_std", "kl", "entropy", "clip_ratio",
                            "grad_norm", "time_generation", "time_scoring", "time_training"}) {
      EXPECT_TRUE(l.contains(key)) << key << " missing in " << l.dump();
    }
    // One update per batch: the policy that sampled is the one scored, ratio 1.
    EXPECT_EQ(l["clip_ratio"].get<double>(), 0.0);
    EXPECT_LT(l["approx_kl"].get<double>(), 1e-6);
    EXPECT_GE(l["reward"].get<double>(), 0.0);
    EXPECT_LE(l["reward"].get<double>(), 1.0);
  }
  EXPECT_EQ(training_lines, 4);
  // Before training the policy is the reference.
  EXPECT_NEAR(lines.front()["eval_kl"].get<double>(), 0.0, 1e-4);
  // The training reward is the task's own here, so the evaluation's proxy is its gold metric.
  for (const auto& l : {lines.front(), lines.back()}) {
    EXPECT_DOUBLE_EQ(l["eval_reward"].get<double>(), l["eval_exact_match"].get<double>());
  }
}

TEST_F(LmRlPipeline, BestOfNPicksByTheRewardWithoutTraining) {
  // The reward is the task's gold reward, so the pick's gold is the best of its N samples.
  const auto run =
      ExecuteRun(Request({"algo=bon", "group_size=6", "data=task:keywords", "reward=[task]"}));
  const nlohmann::json s = RunSummary(run);
  EXPECT_GT(s["gold_reward"].get<double>(), s["gold_reward_start"].get<double>() + 0.1) << s.dump();
  EXPECT_DOUBLE_EQ(s["reward"].get<double>(), s["gold_reward"].get<double>());
  EXPECT_NEAR(s["kl"].get<double>(), std::log(6.0) - 5.0 / 6.0, 1e-12);
  EXPECT_EQ(s["n"].get<int>(), 6);
  EXPECT_FALSE(fs::exists(run / "model"));
}

TEST_F(LmRlPipeline, PpoTrainsACriticAndResumesIt) {
  const auto full = ExecuteRun(
      Request({"algo=ppo", "group_size=1", "optim.steps=6", "run.checkpoint_every=3",
               "updates_per_batch=2", "kl_penalty=reward", "kl_controller=fixed(beta=0.05)"}));
  std::vector<double> value_losses;
  for (const auto& l : RunMetricLines(full)) {
    if (l.contains("value_loss")) value_losses.push_back(l["value_loss"].get<double>());
  }
  ASSERT_EQ(value_losses.size(), 6u);
  // The critic learns the returns: measured 0.88 at the first step, 0.002 to 0.01 over the
  // last three; a critic that is not trained stays near its first loss.
  for (size_t i = 3; i < 6; ++i) EXPECT_LT(value_losses[i], 0.1 * value_losses[0]) << i;
  // The critic is in the checkpoint: a resumed run ends where an uninterrupted one does.
  const auto cut = dir_ / "cut-ppo";
  testing::RollBackCopy(full, cut, 3, 6);
  testing::ResumeRun(cut);
  EXPECT_EQ(RunMetricLines(cut).back().dump(), RunMetricLines(full).back().dump());
}

TEST_F(LmRlPipeline, ConstrainedSourcesTakeDualSteps) {
  // Exact match is never below 0, so "at most -1" is always violated: each step the
  // multiplier rises by lagrange_lr * (the batch mean + 1).
  const auto run = ExecuteRun(Request({"reward=[task, exact_match]", "lagrange_lr=0.5",
                                       "constraints=[objective, \"at_most(threshold=-1)\"]"}));
  std::vector<nlohmann::json> lines;
  for (const auto& l : RunMetricLines(run)) {
    if (l.contains("multiplier/1")) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["multiplier/1"].get<double>(), 0.0);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NEAR(lines[i]["multiplier/1"].get<double>(),
                lines[i - 1]["multiplier/1"].get<double>() +
                    0.5 * (lines[i - 1]["constraint/1"].get<double>() + 1.0),
                1e-6);
  }
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"constraints=[objective]"}));
            }).find("must be a constraint"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              ExecuteRun(Request({"constraints=[objective, objective]"}));
            }).find("2 roles for 1"),
            std::string::npos);
}

TEST_F(LmRlPipeline, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  const auto full = ExecuteRun(Request({"optim.steps=6", "run.checkpoint_every=3"}));
  const auto cut = dir_ / "cut";
  testing::RollBackCopy(full, cut, 3, 6);
  testing::ResumeRun(cut);
  EXPECT_EQ(RunSummary(cut)["reward"].get<double>(), RunSummary(full)["reward"].get<double>());
  EXPECT_EQ(RunSummary(cut)["exact_match"].get<double>(),
            RunSummary(full)["exact_match"].get<double>());
}

TEST_F(LmRlPipeline, KlInTheRewardWithAnAdaptiveCoefficient) {
  const auto run = ExecuteRun(
      Request({"kl_penalty=reward", "kl_controller=adaptive(beta=0.1, target=0.0001, horizon=10)",
               "optim.steps=5", "updates_per_batch=2"}));
  std::vector<double> coefs, kls;
  for (const auto& l : RunMetricLines(run)) {
    if (!l.contains("kl_coef")) continue;
    coefs.push_back(l["kl_coef"].get<double>());
    kls.push_back(l["kl"].get<double>());
  }
  ASSERT_EQ(coefs.size(), 5u);
  // Each step's coefficient follows from the KL it measured (Ziegler et al.'s controller over
  // the 16 completions of a batch): up when the KL was above the target, down when below. The
  // sampled KL estimate of a few completions can come out below zero, so the direction of the
  // run as a whole is not fixed; the first step's is (the policy starts as the reference).
  double expected = 0.1;
  int rises = 0;
  for (size_t i = 0; i < coefs.size(); ++i) {
    expected *= 1.0 + std::clamp(kls[i] / 0.0001 - 1.0, -0.2, 0.2) * 16.0 / 10.0;
    EXPECT_NEAR(coefs[i], expected, 1e-9 * expected) << "step " << i + 1;
    rises += kls[i] > 0.0001;
  }
  EXPECT_LT(coefs.front(), 0.1);  // no KL at the first step
  EXPECT_GT(rises, 0);            // and the policy moved away from the reference afterwards
}

// The first step of every run samples the same batch (same seed, same starting policy), so
// the step's reward is the same in each and its gradient shows how each objective uses it.
TEST_F(LmRlPipeline, EachAlgorithmAndTheParTransformGiveTheirOwnUpdate) {
  // The keywords task's reward varies within a group, where exact match on arithmetic would be
  // 0 for every sample of this small model and every update 0.
  auto first_step = [&](std::vector<std::string> settings) {
    settings.insert(settings.end(), {"data=task:keywords", "reward=[task]", "optim.steps=1"});
    const auto run = ExecuteRun(Request(settings));
    for (const auto& l : RunMetricLines(run)) {
      if (l.contains("grad_norm")) return l;
    }
    ADD_FAILURE() << "no training line in " << run;
    return nlohmann::json();
  };
  const nlohmann::json grpo = first_step({"algo=grpo"});
  ASSERT_GT(grpo["reward_std"].get<double>(), 0.0);
  std::vector<double> norms = {grpo["grad_norm"].get<double>()};
  for (const char* algo : {"rloo", "reinforce_pp", "dr_grpo", "dapo"}) {
    const nlohmann::json l = first_step({std::string("algo=") + algo});
    EXPECT_EQ(l["reward"], grpo["reward"]) << algo;
    norms.push_back(l["grad_norm"].get<double>());
  }
  // Measured: grpo 0.56, rloo 0.29, reinforce_pp 0.85, dr_grpo 0.19, dapo 0.62.
  for (size_t i = 0; i < norms.size(); ++i) {
    EXPECT_GT(norms[i], 1e-3) << i;
    for (size_t j = 0; j < i; ++j) EXPECT_GT(std::abs(norms[i] - norms[j]), 0.02) << i << j;
  }
  // par maps each reward to sigmoid(r - r_ref), r_ref the reference policy's reward for the
  // prompt: its slope is at most 1/4, so under dr_grpo (advantages r - mean, no scaling) the
  // update shrinks (measured 0.044 against 0.19); without the transform it would not change.
  const double dr_grpo = norms[3];
  const double par = first_step({"algo=dr_grpo", "reward_transform=par"})["grad_norm"];
  EXPECT_GT(par, 0.0);
  EXPECT_LT(par, 0.5 * dr_grpo);
  // bnpo needs rewards in [0, 1]: the task's (negative) rewards are refused, par's accepted.
  EXPECT_NE(testing::ErrorOf([&] { first_step({"algo=bnpo"}); }).find("bnpo: rewards must lie in"),
            std::string::npos);
  EXPECT_GT(first_step({"algo=bnpo", "reward_transform=par"})["grad_norm"].get<double>(), 0.0);
}

TEST_F(LmRlPipeline, BadSettingsAreRefusedByName) {
  EXPECT_NE(testing::ErrorOf([&] { ExecuteRun(Request({"algo=ppo2"})); }).find("unknown algo"),
            std::string::npos);
  EXPECT_NE(
      testing::ErrorOf([&] { ExecuteRun(Request({"data=prompts.txt"})); }).find("task:SPEC"),
      std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { ExecuteRun(Request({"group_size=1"})); }).find("group_size"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::pipeline
