// Issue 5's target: with at most 200 queries to the oracle teacher, the agent on the learned
// reward reaches at least 0.9 of the normalised return of the same agent on the true reward.
// PrefPPO on CartPole-v1 (examples/pbrl_cartpole.yaml: 200k steps) and PEBBLE on Pendulum-v1
// (examples/pbrl_pendulum.yaml, shrunk to half its 20k steps), fixed seeds; the reference
// returns in those files were measured with train-rl on the examples' full settings. A normalised
// return of 0 is the random policy's (about -1170 on Pendulum), so 0.9 separates an agent that
// learned the task from one whose learned reward misled it. The full-size examples are checked
// against the same target by bench/example_targets.sh.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

nlohmann::json RunExample(const std::string& example, const testing::ScratchDir& scratch,
                          const std::vector<std::string>& overrides = {}) {
  RunRequest request;
  request.config_path = std::string(RLAB_SOURCE_DIR) + "/examples/" + example;
  request.overrides = {"run.out_dir=" + scratch.path().string(), "run.seed=1",
                       "run.progress_seconds=1000"};
  request.overrides.insert(request.overrides.end(), overrides.begin(), overrides.end());
  request.threads = 1;
  const auto run = ExecuteRun(request);
  return nlohmann::json::parse(testing::ReadText(run / "summary.json"));
}

TEST(PbrlLearning, PrefPpoOracleReachesNinetyPercentOnCartPoleWithTwoHundredLabels) {
  testing::ScratchDir scratch("pbrl-learning");
  const auto s = RunExample("pbrl_cartpole.yaml", scratch);
  EXPECT_LE(s["labels_asked"].get<int64_t>(), 200);
  ASSERT_TRUE(s["normalized_return"].is_number()) << s.dump();
  EXPECT_GE(s["normalized_return"].get<double>(), 0.9) << s.dump();
  EXPECT_GE(s["rm_accuracy"].get<double>(), 0.9) << s.dump();
}

TEST(PbrlLearning, PebbleOracleReachesNinetyPercentOnPendulumWithTwoHundredLabels) {
  // 10k steps: 2k of state-entropy pre-training, then five rounds of 40 queries 1.5k steps
  // apart. Seeds 1, 2, 3 reach 1.01, 0.97 and 1.06 with a reward Pearson of 0.93, 0.95 and
  // 0.96 (70-82 process-seconds each; the example's 20k steps took 271 s beside another test).
  testing::ScratchDir scratch("pbrl-learning-pendulum");
  const auto s = RunExample(
      "pbrl_pendulum.yaml", scratch,
      {"steps=10000", "pebble.pretrain_steps=2000", "feedback.every=1500", "run.blas_threads=1"});
  EXPECT_LE(s["labels_asked"].get<int64_t>(), 200);
  ASSERT_TRUE(s["normalized_return"].is_number()) << s.dump();
  EXPECT_GE(s["normalized_return"].get<double>(), 0.9) << s.dump();
  // The learned reward tracks the true one on the visited transitions.
  EXPECT_GE(s["reward_pearson"].get<double>(), 0.8) << s.dump();
}

}  // namespace
}  // namespace rlab::pipeline
