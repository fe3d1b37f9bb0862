// Learning tests (label slow): fixed seeds, the thresholds of the control-RL issue.
#include <gtest/gtest.h>

#include "rlab/core/run_dir.h"
#include "rlab/pipeline/control/policy_eval.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab {
namespace {

struct Trained {
  nlohmann::json summary;
  nlohmann::json evaluation;  // 20 episodes of the final policy, deterministic actions
};

Trained Train(const std::vector<std::string>& overrides) {
  rlab::testing::ScratchDir scratch("train-rl");
  pipeline::RunRequest request;
  request.pipeline = "train-rl";
  request.overrides = overrides;
  request.overrides.push_back("run.out_dir=" + scratch.path().string());
  request.overrides.push_back("run.checkpoint_every=0");
  request.threads = 1;
  const auto dir = pipeline::ExecuteRun(request);
  return {RunDir::Open(dir).ReadSummary(), pipeline::EvaluatePolicy(dir, {.episodes = 20})};
}

TEST(PpoLearning, CartPoleReaches475) {
  const auto t =
      Train({"env=CartPole-v1", "algo=ppo", "steps=500000", "run.seed=1", "run.log_every=50000"});
  EXPECT_GE(t.summary["mean_return_last100"].get<double>(), 475.0) << t.summary.dump();
  EXPECT_GE(t.evaluation["mean_return"].get<double>(), 475.0) << t.evaluation.dump();
}

TEST(PpoLearning, ContinuousPendulumReachesMinus300) {
  // ppo_continuous_action.py's settings (observation and reward normalisation, 2048-step
  // rollouts); the final policy is judged.
  const auto t =
      Train({"env=Pendulum-v1", "algo=ppo", "steps=200000", "run.seed=1", "run.log_every=50000"});
  EXPECT_GE(t.evaluation["mean_return"].get<double>(), -300.0) << t.evaluation.dump();
}

TEST(SacLearning, PendulumReachesMinus300Within15kSteps) {
  // RLtools' small configuration: two hidden layers of 64, batch 100.
  // The training episodes' average includes the random warm-up; the final policy is judged.
  const auto t =
      Train({"env=Pendulum-v1", "algo=sac", "steps=15000", "run.seed=1", "sac.hidden=[64, 64]",
             "sac.batch_size=100", "sac.learning_starts=1000", "run.log_every=5000"});
  EXPECT_GE(t.evaluation["mean_return"].get<double>(), -300.0) << t.evaluation.dump();
}

}  // namespace
}  // namespace rlab
