// SIGKILL at exact moments (kill_support.h) for the reinforcement-learning pipelines: train-rl
// (PPO and SAC), pbrl, rl (GRPO on a language model) and the overoptimisation lab. Each run
// is killed before its first checkpoint, between a checkpoint and latest.json, right after its
// final checkpoint and between summary.json's temporary write and its rename, then resumed;
// its metric lines, summary (and feedback or curves) must equal an uninterrupted run's,
// machine fields aside. The settings are the smallest that give each run three checkpoints.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/run/kill_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;

// `rlab run examples/<example>` with `overrides`, one thread, its runs under `out_dir`.
std::function<std::vector<std::string>(const fs::path&)> ExampleRun(
    const std::string& example, const std::vector<std::string>& overrides) {
  return [=](const fs::path& out_dir) {
    std::vector<std::string> args = {"run", std::string(RLAB_SOURCE_DIR) + "/examples/" + example};
    args.insert(args.end(), overrides.begin(), overrides.end());
    args.insert(args.end(),
                {"run.out_dir=" + out_dir.string(), "run.threads=1", "run.progress_seconds=1000"});
    return args;
  };
}

TEST(KillResume, PpoRunKilledAnywhereResumesToTheUninterruptedMetrics) {
  // Four rollouts of 4 x 128 steps; checkpoints after the first three and at the end.
  testing::ExpectKilledRunsResumeToTheReference(
      "train-rl-ppo",
      ExampleRun("ppo_cartpole.yaml",
                 {"steps=2048", "run.log_every=512", "run.checkpoint_every=512"}),
      testing::StandardKillPoints(4));
}

TEST(KillResume, SacRunKilledMidRunResumesToTheUninterruptedMetrics) {
  // 300 steps, learning from step 100: checkpoints at 100 and 200 (the replay buffer in them)
  // and at the end.
  testing::ExpectKilledRunsResumeToTheReference(
      "train-rl-sac",
      ExampleRun("sac_pendulum_small.yaml",
                 {"steps=300", "sac.learning_starts=100", "sac.batch_size=32", "sac.hidden=[16]",
                  "run.log_every=50", "run.checkpoint_every=100"}),
      {testing::BetweenCheckpointAndIndex(2), testing::AfterCheckpoint(3)});
}

TEST(KillResume, PbrlRunKilledAnywhereResumesToTheUninterruptedMetricsAndFeedback) {
  // PrefPPO on CartPole: 6 rollouts, a feedback round of 4 queries every 512 steps from step
  // 1024; checkpoints at 1024, 2048 and the end.
  testing::ExpectKilledRunsResumeToTheReference(
      "pbrl",
      ExampleRun("pbrl_cartpole.yaml",
                 {"steps=3072", "feedback.start=1024", "feedback.every=512", "feedback.batch=4",
                  "feedback.budget=16", "feedback.segment_length=20", "reward_model.hidden=[16]",
                  "eval.episodes=2", "run.log_every=512", "run.checkpoint_every=1024"}),
      testing::StandardKillPoints(3), {"feedback.jsonl"});
}

TEST(KillResume, GrpoRunKilledAnywhereResumesToTheUninterruptedMetrics) {
  // GRPO from the tiny preset as given: 6 steps of 2 prompts x 4 completions, evaluations at
  // 3 and the end, checkpoints at 2, 4 and the end.
  testing::ExpectKilledRunsResumeToTheReference(
      "rl-grpo",
      ExampleRun("grpo_arithmetic.yaml",
                 {"sft.steps=0", "data=task:arithmetic(digits=1)", "optim.steps=6",
                  "optim.batch_size=2", "group_size=4", "eval_every=3", "eval_prompts=4",
                  "run.log_every=1", "run.checkpoint_every=2"}),
      testing::StandardKillPoints(3));
}

TEST(KillResume, BestOfNRunKilledBeforeItsSummaryResumesToTheUninterruptedMetrics) {
  // algo bon writes no checkpoint: its resumed run starts over, its first line cut off.
  testing::ExpectKilledRunsResumeToTheReference(
      "rl-bon",
      ExampleRun("grpo_arithmetic.yaml", {"sft.steps=0", "data=task:arithmetic(digits=1)",
                                          "algo=bon", "group_size=2", "eval_prompts=4"}),
      {testing::BeforeSummaryRename()});
}

TEST(KillResume, OveroptLabKilledAnywhereResumesToTheUninterruptedCurves) {
  // One tiny proxy, best-of-N over 2 samples of 4 prompts, a 4-step GRPO defence. The lab's
  // checkpoints are its stages': the proxy's (step-*.pt 1) and the defence's final one.
  const std::vector<std::string> settings = {
      "sft.steps=0",      "proxy.members=1",    "proxy.pairs=16",    "proxy.eval_pairs=4",
      "proxy.steps=4",    "proxy.batch_size=4", "best_of_n.n=[1,2]", "best_of_n.prompts=4",
      "rl.steps=4",       "rl.batch_size=2",    "rl.group_size=2",   "rl.eval_every=2",
      "rl.eval_prompts=4"};
  testing::ExpectKilledRunsResumeToTheReference("overopt", ExampleRun("overopt.yaml", settings),
                                                {testing::BeforeFirstCheckpoint(),
                                                 {"best_of_n.pt", 1, false},
                                                 testing::AfterCheckpoint(2),
                                                 testing::BeforeSummaryRename(3)},
                                                {"curves.jsonl"});
}

}  // namespace
}  // namespace rlab
