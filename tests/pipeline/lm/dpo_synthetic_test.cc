// Learning test for examples/dpo_synthetic.yaml shrunk (fixed seed): DPO with the RPO term,
// from an SFT model of the keywords task, beats that model on held-out prompts by gold reward
// while staying close to it. Shrunk to 200 SFT steps and 100 DPO steps on the 1,600 pairs
// they use: seeds 1, 2, 3 win 62.25, 60.5 and 66.25% of 200 comparisons (a standard error
// near 3.5 points), raise the mean gold reward by 0.50, 0.50 and 0.62, at a KL of 0.8 to 1.0.
// A policy that has not moved from the reference wins half (0.5 at step 0) and gains nothing,
// so at least 56% and a gain of 0.3 separate learning from no change. The example's own
// target, a 70% win rate, is checked by bench/example_targets.sh; the example does not reach
// it reliably (71.3% in the recorded run, 66.75% with one thread each, docs/results.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/pipeline/run/runner.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

TEST(DpoSynthetic, RpoBeatsTheSftModelByGoldReward) {
  testing::ScratchDir dir("dpo_synthetic");
  const nlohmann::json s = testing::RunSummary(
      testing::RunExampleConfig("dpo_synthetic.yaml", dir,
                                {"sft.steps=200", "optim.steps=100", "data.task_train_pairs=1600",
                                 "eval_every=0", "run.blas_threads=1"},
                                /*threads=*/1));
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GE(s["gold_win_rate"].get<double>(), 0.56) << s.dump();
  EXPECT_GT(s["gold_reward"].get<double>(), s["gold_reward_reference"].get<double>() + 0.3);
  EXPECT_LT(s["kl"].get<double>(), 3.0);  // the SFT term keeps the policy near the reference
}

}  // namespace
}  // namespace rlab::pipeline
