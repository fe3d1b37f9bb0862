// Learning test for examples/dpo_synthetic.yaml (fixed seed): DPO with the RPO term, from an
// SFT model of the keywords task, beats that model on held-out prompts by gold reward while
// staying close to it. The target is a 70% win rate, which the example reaches (71.3%
// on this machine, docs/results.md); over 200 prompts the win rate has a standard error of
// about 3 points, and a machine with other BLAS threading takes a slightly different path, so
// the test asserts 66%, well above the 64% plain DPO reaches and the 50% of no change.
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
  const nlohmann::json s =
      testing::RunSummary(testing::RunExampleConfig("dpo_synthetic.yaml", dir));
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GE(s["gold_win_rate"].get<double>(), 0.66) << s.dump();
  EXPECT_GT(s["gold_reward"].get<double>(), s["gold_reward_reference"].get<double>() + 0.4);
  EXPECT_LT(s["kl"].get<double>(), 3.0);  // the SFT term keeps the policy near the reference
}

}  // namespace
}  // namespace rlab::pipeline
