// rlab control-rl (also spelled train-rl) and rlab eval-policy end to end on short runs:
// outputs, determinism, resuming from a checkpoint, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rlab/core/io.h"
#include "test_support.h"

namespace rlab {
namespace {

namespace fs = std::filesystem;
using testing::ReadText;
using testing::RunRlab;

std::vector<nlohmann::json> Metrics(const fs::path& run) {
  std::vector<nlohmann::json> lines;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json& j) { lines.push_back(j); });
  return lines;
}

std::vector<std::string> PpoArgs(const fs::path& out) {
  return {"control-rl",
          "--env",
          "CartPole-v1",
          "--algo",
          "ppo",
          "--steps",
          "4096",
          "--seed",
          "3",
          "--threads",
          "1",
          "run.out_dir=" + out.string(),
          "run.log_every=1024",
          "run.checkpoint_every=1024"};
}

TEST(TrainRlCli, PpoRunWritesSummaryMetricsAndEvaluates) {
  testing::ScratchDir scratch("train-rl-cli");
  const auto r = RunRlab(PpoArgs(scratch / "a"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = testing::LastLine(r.out);
  const auto summary = nlohmann::json::parse(ReadText(run / "summary.json"));
  EXPECT_EQ(summary["total_steps"], 4096);
  EXPECT_GT(summary["mean_return_last100"].get<double>(), 8.0);  // CartPole returns are >= 8
  EXPECT_GT(summary["steps_per_second"].get<double>(), 0.0);
  EXPECT_TRUE(summary.contains("wall_seconds"));
  const auto metrics = Metrics(run);
  ASSERT_EQ(metrics.size(), 4u);
  for (const char* key : {"episodic_return", "episodic_length", "policy_loss", "value_loss",
                          "entropy", "approx_kl", "steps_per_second", "learning_rate"}) {
    EXPECT_TRUE(metrics.back().contains(key)) << key;
  }
  // The learning rate is annealed towards zero.
  EXPECT_LT(metrics.back()["learning_rate"].get<double>(), 2.5e-4);

  const auto e = RunRlab({"eval-policy", run.string(), "--episodes", "5"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const auto eval = nlohmann::json::parse(testing::LastLine(e.out));
  EXPECT_EQ(eval["episodes"], 5);
  EXPECT_EQ(eval["checkpoint_step"], 4096);
  EXPECT_GE(eval["min_return"].get<double>(), 8.0);
  EXPECT_LE(eval["max_return"].get<double>(), 500.0);
  EXPECT_EQ(nlohmann::json::parse(ReadText(run / "eval.json")), eval);

  // The same seed gives the same episodes.
  const auto again = RunRlab(PpoArgs(scratch / "b"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto metrics_again = Metrics(testing::LastLine(again.out));
  ASSERT_EQ(metrics_again.size(), metrics.size());
  for (size_t i = 0; i < metrics.size(); ++i) {
    EXPECT_EQ(metrics_again[i]["episodic_return"], metrics[i]["episodic_return"]);
    EXPECT_EQ(metrics_again[i]["policy_loss"], metrics[i]["policy_loss"]);
  }
}

// A run that stopped after its checkpoint at step 2000 (as a killed run leaves it) resumes
// from there: networks, optimisers, replay buffer and counters come back.
TEST(TrainRlCli, SacRunResumesFromItsCheckpoint) {
  testing::ScratchDir scratch("train-rl-resume");
  const auto r = RunRlab({"train-rl", "--env", "Pendulum-v1", "--algo", "sac", "--steps", "3000",
                          "--threads", "1", "sac.hidden=[32, 32]", "sac.batch_size=32",
                          "sac.learning_starts=500", "run.out_dir=" + (scratch / "runs").string(),
                          "run.log_every=1000", "run.checkpoint_every=1000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path run = testing::LastLine(r.out);
  const auto finished = nlohmann::json::parse(ReadText(run / "summary.json"));
  ASSERT_TRUE(fs::exists(run / "checkpoints" / "step-000002000.pt"));
  fs::remove(run / "summary.json");
  WriteFileAtomic(run / "checkpoints" / "latest.json",
                  R"({"step": 2000, "file": "step-000002000.pt"})");
  fs::remove(run / "checkpoints" / "step-000003000.pt");

  const auto resumed = RunRlab({"run", "--resume", run.string(), "--threads", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming at step 2000"), std::string::npos) << resumed.err;
  const auto summary = nlohmann::json::parse(ReadText(run / "summary.json"));
  EXPECT_EQ(summary["total_steps"], 3000);
  EXPECT_EQ(summary["episodes"], finished["episodes"]);
  const auto metrics = Metrics(run);
  ASSERT_EQ(metrics.size(), 3u);  // the line at 3000 was dropped and written again
  EXPECT_EQ(metrics[2]["step"], 3000);
  EXPECT_TRUE(metrics[2].contains("qf1_loss"));
}

TEST(TrainRlCli, BadRequestsGiveOneClearLine) {
  const auto unknown = RunRlab({"train-rl", "--algo", "dqn", "--steps", "10"});
  EXPECT_EQ(unknown.exit_code, 1);
  for (const char* fragment : {"'dqn'", "ppo", "sac"}) {  // the bad name and the valid ones
    EXPECT_NE(unknown.err.find(fragment), std::string::npos) << unknown.err;
  }
  const auto discrete =
      RunRlab({"train-rl", "--env", "CartPole-v1", "--algo", "sac", "--steps", "10"});
  EXPECT_EQ(discrete.exit_code, 1);
  EXPECT_NE(discrete.err.find("SAC needs a continuous (box) action space"), std::string::npos)
      << discrete.err;
  const auto key = RunRlab({"train-rl", "--steps", "10", "ppo.lr=0.1"});
  EXPECT_EQ(key.exit_code, 1);
  EXPECT_NE(key.err.find("ppo.lr"), std::string::npos) << key.err;
  const auto not_rl = RunRlab({"eval-policy", "/nonexistent-run"});
  EXPECT_NE(not_rl.exit_code, 0);
}

}  // namespace
}  // namespace rlab
