// Issue-level learning test for examples/grpo_arithmetic.yaml (fixed seed): SFT on a flawed
// demonstrator (60% of its answers one too high) teaches the tiny preset the flaw as its
// greedy answer, so held-out exact match starts below 50%, and GRPO with the exact-match
// reward takes it past 90% within 50 steps (98% in the recorded runs of three seeds).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "rlab/core/io.h"
#include "rlab/pipeline/run/runner.h"
#include "test_support.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

TEST(GrpoArithmetic, ExactMatchRewardCorrectsTheDemonstratorsFlaw) {
  testing::ScratchDir dir("grpo_arithmetic");
  const nlohmann::json s = testing::RunSummary(testing::RunExampleConfig(
      "grpo_arithmetic.yaml", dir, {"optim.steps=50", "eval_every=0"}, /*threads=*/1));
  std::printf("summary: %s\n", s.dump().c_str());
  const double start = s["exact_match_start"].get<double>();
  const double end = s["exact_match"].get<double>();
  EXPECT_LE(start, 0.5) << s.dump();
  EXPECT_GE(end, 0.9) << s.dump();
}

}  // namespace
}  // namespace rlab::pipeline
