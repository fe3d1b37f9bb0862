// The pbrl pipeline on short runs: feedback budgets counted asked and answered, the feedback
// file, labels taken from a feedback file, PEBBLE's phases, and resuming to identical results.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "rlab/core/check.h"
#include "rlab/core/io.h"
#include "rlab/feedback/feedback_file.h"
#include "rlab/pipeline/run/runner.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

namespace fs = std::filesystem;

// A CartPole PrefPPO run of a few seconds: 8 PPO iterations of 512 steps, a round of 10
// queries every 1024 steps.
std::vector<std::string> Short(const fs::path& out) {
  return {"env=CartPole-v1",
          "algo=prefppo",
          "steps=4096",
          "ppo.num_steps=128",
          "feedback.budget=30",
          "feedback.batch=10",
          "feedback.every=1024",
          "feedback.start=512",
          "feedback.segment_length=20",
          "feedback.store_episodes=50",
          "reward_model.hidden=[16]",
          "reward_model.max_epochs=5",
          "eval.episodes=3",
          "eval.heldout_pairs=50",
          "eval.epic_transitions=64",
          "eval.epic_samples=8",
          "eval.reference_return=500",
          "run.out_dir=" + out.string(),
          "run.threads=1",
          "run.log_every=512",
          "run.checkpoint_every=1024",
          "run.keep_checkpoints=10",
          "run.progress_seconds=1000"};
}

fs::path RunPbrl(std::vector<std::string> overrides, const std::vector<std::string>& more = {}) {
  overrides.insert(overrides.end(), more.begin(), more.end());
  RunRequest request;
  request.pipeline = "pbrl";
  request.overrides = overrides;
  return ExecuteRun(request);
}

// summary.json without its timings and provenance (the command line differs between runs).
nlohmann::json SummaryWithoutMachineFields(const fs::path& run) {
  return testing::WithoutMachineFields(
      nlohmann::json::parse(testing::ReadText(run / "summary.json")));
}

// metrics.jsonl without the timing columns.
std::vector<nlohmann::json> MetricsWithoutTimes(const fs::path& run) {
  std::vector<nlohmann::json> lines;
  ForEachJsonl(run / "metrics.jsonl", [&](const nlohmann::json& j) {
    nlohmann::json copy = j;
    copy.erase("steps_per_second");
    copy.erase("time");
    copy.erase("wall_seconds");
    lines.push_back(copy);
  });
  return lines;
}

TEST(Pbrl, OracleRunWritesSummaryFeedbackAndRewardMetrics) {
  testing::ScratchDir scratch("pbrl-oracle");
  const fs::path run = RunPbrl(Short(scratch.path()), {"teacher=oracle"});
  const nlohmann::json s = SummaryWithoutMachineFields(run);
  EXPECT_EQ(s["labels_asked"], 30);
  EXPECT_EQ(s["labels_answered"], 30);  // the oracle answers everything
  for (const char* key :
       {"gold_return", "random_return", "normalized_return", "rm_accuracy", "reward_pearson"}) {
    ASSERT_TRUE(s[key].is_number()) << key << " in " << s.dump();
  }
  const double gold = s["gold_return"], random = s["random_return"];
  EXPECT_NEAR(s["normalized_return"].get<double>(), (gold - random) / (500.0 - random), 1e-9);
  const auto records = feedback::ReadFeedbackFile(run / "feedback.jsonl");
  ASSERT_EQ(records.size(), 30u);
  EXPECT_EQ(records.front().step, 512);
  int rewards_updates = 0;
  for (const auto& m : MetricsWithoutTimes(run)) {
    if (m.contains("rm/train_accuracy")) {
      ++rewards_updates;
      EXPECT_TRUE(m["epic_distance"].is_number());
    }
  }
  EXPECT_EQ(rewards_updates, 3);  // rounds at 512, 1536, 2560 (the budget is spent then)

  // The time split covers the run: no section is counted twice ("other", the rest, is not
  // negative) and together they make the wall time.
  const auto raw = nlohmann::json::parse(testing::ReadText(run / "summary.json"));
  const nlohmann::json& t = raw["time_seconds"];
  double total = 0;
  for (const char* section : {"env_steps", "observer", "agent_updates", "reward_inference",
                              "reward_learning", "reward_diagnostics", "queries", "evaluation"}) {
    ASSERT_TRUE(t.contains(section)) << section << " in " << t.dump();
    EXPECT_GT(t[section].get<double>(), 0.0) << section;
  }
  for (const auto& [section, seconds] : t.items()) total += seconds.get<double>();
  EXPECT_NEAR(total, raw["wall_seconds"].get<double>(), 0.5);  // the summary is timed later
  EXPECT_GE(t["other"].get<double>(), 0.0);
}

TEST(Pbrl, SkipTeacherSpendsTheBudgetOnQueriesItDoesNotAnswer) {
  testing::ScratchDir scratch("pbrl-skip");
  // Every query's larger return is below the threshold: all are skipped.
  const fs::path all = RunPbrl(Short(scratch.path()), {"teacher=skip(eps_skip=1000)"});
  nlohmann::json s = SummaryWithoutMachineFields(all);
  EXPECT_EQ(s["labels_asked"], 30);
  EXPECT_EQ(s["labels_answered"], 0);
  EXPECT_TRUE(s["reward_pearson"].is_null());
  const auto records = feedback::ReadFeedbackFile(all / "feedback.jsonl");
  ASSERT_EQ(records.size(), 30u);
  for (const auto& r : records) EXPECT_FALSE(r.label.has_value());

  const fs::path some =
      RunPbrl(Short(scratch.path()), {"teacher=skip(eps_skip=0.8)", "run.seed=2"});
  s = SummaryWithoutMachineFields(some);
  EXPECT_EQ(s["labels_asked"], 30);
  int answered = 0;
  for (const auto& r : feedback::ReadFeedbackFile(some / "feedback.jsonl"))
    answered += r.label.has_value();
  EXPECT_EQ(s["labels_answered"], answered);
}

TEST(Pbrl, FileTeacherReplaysTheLabelsOfAnEarlierRun) {
  testing::ScratchDir scratch("pbrl-file");
  const fs::path oracle = RunPbrl(Short(scratch.path()), {"teacher=oracle"});
  const fs::path file = scratch / "labels.jsonl";
  fs::copy_file(oracle / "feedback.jsonl", file);
  const fs::path replay =
      RunPbrl(Short(scratch.path()), {"teacher=file(path=" + file.string() + ")"});
  nlohmann::json a = SummaryWithoutMachineFields(oracle), b = SummaryWithoutMachineFields(replay);
  EXPECT_EQ(b["labels_missing_in_file"], 0);
  EXPECT_NE(b["teacher"].get<std::string>().find("file("), std::string::npos);
  a.erase("teacher");
  b.erase("teacher");
  EXPECT_EQ(a, b);  // same seed, same segments, same labels: the same run
  const auto ra = feedback::ReadFeedbackFile(oracle / "feedback.jsonl");
  const auto rb = feedback::ReadFeedbackFile(replay / "feedback.jsonl");
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 0; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].first, rb[i].first);
    EXPECT_EQ(ra[i].label, rb[i].label);
  }
}

TEST(Pbrl, ResumingFromACheckpointRepeatsTheUninterruptedRun) {
  testing::ScratchDir scratch("pbrl-resume");
  const fs::path full = RunPbrl(Short(scratch.path()), {"teacher=mistake"});
  // A copy of the run as it was when killed after its checkpoint at step 2048: the
  // checkpoint is the latest, summary.json is not written yet.
  const fs::path killed = scratch / "killed";
  fs::copy(full, killed, fs::copy_options::recursive);
  fs::remove(killed / "summary.json");
  const fs::path checkpoint = killed / "checkpoints" / "step-000002048.pt";
  ASSERT_TRUE(fs::exists(checkpoint));
  WriteFileAtomic(killed / "checkpoints" / "latest.json",
                  nlohmann::json{{"step", 2048}, {"file", "step-000002048.pt"}}.dump());
  RunRequest request;
  request.resume_dir = killed.string();
  ExecuteRun(request);
  EXPECT_EQ(SummaryWithoutMachineFields(killed), SummaryWithoutMachineFields(full));
  EXPECT_EQ(MetricsWithoutTimes(killed), MetricsWithoutTimes(full));
  EXPECT_EQ(testing::ReadText(killed / "feedback.jsonl"),
            testing::ReadText(full / "feedback.jsonl"));
}

TEST(Pbrl, PebblePretrainsThenLearnsFromFeedback) {
  testing::ScratchDir scratch("pbrl-pebble");
  const fs::path run = RunPbrl({"env=Pendulum-v1",
                                "algo=pebble",
                                "steps=1200",
                                "teacher=oracle",
                                "sac.learning_starts=100",
                                "sac.hidden=[16]",
                                "sac.batch_size=32",
                                "pebble.pretrain_steps=400",
                                "pebble.entropy_relabel_every=100",
                                "feedback.budget=20",
                                "feedback.batch=10",
                                "feedback.every=400",
                                "feedback.segment_length=20",
                                "reward_model.hidden=[16]",
                                "reward_model.max_epochs=5",
                                "eval.episodes=2",
                                "eval.heldout_pairs=20",
                                "eval.epic_transitions=32",
                                "eval.epic_samples=8",
                                "run.out_dir=" + scratch.path().string(),
                                "run.threads=1",
                                "run.log_every=200",
                                "run.checkpoint_every=600",
                                "run.progress_seconds=1000"});
  const nlohmann::json s = SummaryWithoutMachineFields(run);
  EXPECT_EQ(s["labels_asked"], 20);
  EXPECT_EQ(s["reward_updates"], 2);              // at 400 (after pre-training) and 800
  EXPECT_TRUE(s["normalized_return"].is_null());  // no reference_return given
  const auto records = feedback::ReadFeedbackFile(run / "feedback.jsonl");
  ASSERT_EQ(records.size(), 20u);
  EXPECT_EQ(records.front().step, 400);
}

TEST(Pbrl, LearnedRewardIsSavedAndRlabDistanceReadsTheRunDirectory) {
  testing::ScratchDir scratch("pbrl-distance");
  const fs::path run = RunPbrl({"env=Pendulum-v1",
                                "algo=pebble",
                                "steps=800",
                                "teacher=oracle",
                                "sac.learning_starts=100",
                                "sac.hidden=[16]",
                                "sac.batch_size=32",
                                "pebble.pretrain_steps=200",
                                "pebble.entropy_relabel_every=100",
                                "feedback.budget=20",
                                "feedback.batch=10",
                                "feedback.every=200",
                                "feedback.segment_length=20",
                                "reward_model.hidden=[16]",
                                "reward_model.max_epochs=5",
                                "eval.episodes=1",
                                "eval.heldout_pairs=0",
                                "eval.epic_transitions=32",
                                "eval.epic_samples=8",
                                "run.out_dir=" + scratch.path().string(),
                                "run.threads=1",
                                "run.progress_seconds=1000"});
  ASSERT_TRUE(fs::exists(run / "reward_model" / "reward_model.json"));
  const auto same =
      testing::RunRlab({"distance", "--env", "Pendulum-v1", "--reward-a", run.string(),
                        "--reward-b", run.string(), "--samples", "256"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  const auto same_json = nlohmann::json::parse(testing::LastLine(same.out));
  EXPECT_NEAR(same_json["distance"].get<double>(), 0.0, 1e-6);
  const auto vs_true = testing::RunRlab({"distance", "--env", "Pendulum-v1", "--reward-a", "true",
                                         "--reward-b", run.string(), "--samples", "256"});
  ASSERT_EQ(vs_true.exit_code, 0) << vs_true.err;
  const double d = nlohmann::json::parse(testing::LastLine(vs_true.out))["distance"].get<double>();
  EXPECT_GT(d, 0.0);
  EXPECT_LE(d, 1.0);
  // A reward learned on Pendulum does not fit CartPole's observations.
  const auto wrong = testing::RunRlab(
      {"distance", "--env", "CartPole-v1", "--reward-a", "true", "--reward-b", run.string()});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("does not fit"), std::string::npos) << wrong.err;
}

TEST(Pbrl, CplLearnsThePolicyFromLabelsWithoutARewardModel) {
  testing::ScratchDir scratch("pbrl-cpl");
  // On a box (Pendulum-v1) the policy is Gaussian: the run stores its continuous actions and
  // trains on them. Segments never end early there, so the labels can be learned (on CartPole
  // they cannot, see docs/architecture.md).
  const fs::path run =
      RunPbrl(Short(scratch.path()), {"algo=cpl", "env=Pendulum-v1", "cpl.steps_per_round=20"});
  const nlohmann::json s = SummaryWithoutMachineFields(run);
  EXPECT_EQ(s["labels_asked"], 30);
  EXPECT_TRUE(s["rm_accuracy"].is_null());  // no reward model
  EXPECT_TRUE(s["reward_pearson"].is_null());
  EXPECT_TRUE(s["gold_return"].is_number());
  std::vector<double> accuracy;
  for (const auto& m : MetricsWithoutTimes(run)) {
    if (m.contains("cpl/train_accuracy")) accuracy.push_back(m["cpl/train_accuracy"]);
  }
  ASSERT_EQ(accuracy.size(), 3u);  // one update per round
  // The policy's scores sum(alpha log pi) rank the labelled pairs as the teacher did: measured
  // 0.87 on the 30 labels after the last round; with cpl.lr=1e-12 (no learning) 0.47.
  EXPECT_GE(accuracy.back(), 0.75);
}

TEST(Pbrl, CplOnADiscreteEnvTrainsThePolicyAfterEveryRound) {
  testing::ScratchDir scratch("pbrl-cpl-discrete");
  const fs::path run =
      RunPbrl(Short(scratch.path()), {"algo=cpl", "teacher=oracle", "cpl.steps_per_round=20"});
  const nlohmann::json s = SummaryWithoutMachineFields(run);
  EXPECT_EQ(s["labels_asked"], 30);
  EXPECT_TRUE(s["rm_accuracy"].is_null());
  EXPECT_TRUE(s["gold_return"].is_number());
  int updates = 0;
  for (const auto& m : MetricsWithoutTimes(run)) updates += m.contains("cpl/loss");
  EXPECT_EQ(updates, 3);
}

TEST(Pbrl, NoRoundIsAskedOnceTheAgentIsDone) {
  testing::ScratchDir scratch("pbrl-last-round");
  // CPL collects 4 x 128 = 512 steps per iteration, so 3000 steps end at 3072; rounds are due
  // every 512 steps, and the one at 3072 would come after the agent's last iteration.
  const fs::path run =
      RunPbrl(Short(scratch.path()), {"algo=cpl", "steps=3000", "feedback.every=512",
                                      "feedback.budget=100", "cpl.steps_per_round=5"});
  const nlohmann::json s = SummaryWithoutMachineFields(run);
  EXPECT_EQ(s["total_steps"], 3072);
  EXPECT_EQ(s["labels_asked"], 50);  // rounds of 10 at 512, ..., 2560; the budget not spent
}

TEST(Pbrl, UnknownAlgorithmsAndTeachersAreClearErrors) {
  testing::ScratchDir scratch("pbrl-errors");
  EXPECT_NE(testing::ErrorOf([&] {
              RunPbrl(Short(scratch.path()), {"algo=dpo"});
            }).find("algo must be cpl or pebble or prefppo or spo, got 'dpo'"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] {
              RunPbrl(Short(scratch.path()), {"teacher=file(nope=1)"});
            }).find("file(path="),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::pipeline
