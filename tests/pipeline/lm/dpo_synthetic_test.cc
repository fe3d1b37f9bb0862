// Learning test for examples/dpo_synthetic.yaml shrunk (fixed seed): plain DPO (the sigmoid
// loss, beta 0.5), from an SFT model of the keywords task, beats that model on held-out prompts
// by gold reward while staying close to it. Shrunk to 200 SFT and 100 DPO steps on the 1,600
// pairs they use: seeds 1, 2, 3 win 59.6, 60.8 and 61.5% of 500 comparisons (a standard error
// near 2.2 points), raise the mean gold reward by 0.41, 0.42 and 0.50, at a KL of 1.2 to 1.7.
// A policy that has not moved from the reference wins half (0.5 at step 0) and gains nothing,
// so at least 56% and a gain of 0.3 separate learning from no change.
// The example's own target, a 70% win rate, is not asserted here: it needs the full 600-step
// SFT model (200 SFT steps leave the reference at a gold reward near -0.3 instead of 0.7, and
// DPO from it wins about 61%), and the example at full size costs about 4 times this test's
// budget. It is checked by bench/example_targets.sh; seeds 1, 2, 3 of the example win 70.8,
// 76.1 and 71.6% (docs/results.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/pipeline/run/runner.h"
#include "pipeline/run_files.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

TEST(DpoSynthetic, SigmoidBeatsTheSftModelByGoldReward) {
  testing::ScratchDir dir("dpo_synthetic");
  const nlohmann::json s = testing::RunSummary(
      testing::RunExampleConfig("dpo_synthetic.yaml", dir,
                                {"sft.steps=200", "optim.steps=100", "data.task_train_pairs=1600",
                                 "eval_every=0", "run.blas_threads=1"},
                                /*threads=*/1));
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GE(s["gold_win_rate"].get<double>(), 0.56) << s.dump();
  EXPECT_GT(s["gold_reward"].get<double>(), s["gold_reward_reference"].get<double>() + 0.3);
  EXPECT_LT(s["kl"].get<double>(), 3.0);  // beta 0.5 keeps the policy near the reference
}

}  // namespace
}  // namespace rlab::pipeline
