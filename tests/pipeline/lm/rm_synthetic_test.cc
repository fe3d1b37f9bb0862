// Learning test for examples/rm_synthetic.yaml shrunk to 250 steps (fixed seed): a tiny-preset
// reward model trained on gold-labelled pairs of the keywords task ranks seven in ten of the
// held-out pairs right and is calibrated. An untrained or broken model ranks half of them
// right; at 250 steps of 128 pairs (32,000 pairs, each seen once, one thread) seeds 1, 2, 3
// reach 80.5, 79.75 and 73.75% on the 400 held-out pairs (a standard error near 2 points), ECE
// 0.049, 0.069 and 0.040; at 400 steps they reached 84.75, 81.25 and 79.0% for 50% more time.
// The example's own target, 95% (98.75% at its 2500 steps, docs/results.md), is checked by
// bench/example_targets.sh. About 105 process-seconds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

TEST(RmSynthetic, TinyRewardModelRanksSevenInTenHeldOutGoldPairs) {
  testing::ScratchDir dir("rm_synthetic");
  const nlohmann::json s = testing::RunSummary(testing::RunExampleConfig(
      "rm_synthetic.yaml", dir,
      {"optim.steps=250", "data.task_train_pairs=32000", "eval_every=0", "run.blas_threads=1"},
      /*threads=*/1));
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GE(s["accuracy"].get<double>(), 0.70) << s.dump();
  EXPECT_LT(s["ece"].get<double>(), 0.08) << s.dump();
}

}  // namespace
}  // namespace rlab::pipeline
