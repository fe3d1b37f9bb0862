// The fixture of the keywords learning tests (sft_policies.h): trains the SFT policy that
// the overoptimisation and DPO learning tests start from, once per CTest run, and checks that it
// learned the task's demonstrations: 600 steps raise the held-out gold reward of the tiny preset
// from -1.63 to 0.93 (seed 1; about 150 process-seconds), where an untrained model stays near
// its start.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "pipeline/sft_policies.h"
#include "pipeline/run_files.h"

namespace rlab::pipeline {
namespace {

TEST(KeywordsSftPolicy, TrainsTheWarmStartOfTheLabAndDpoTests) {
  const std::filesystem::path model = testing::TrainSftPolicy(testing::KeywordsSftFixture());
  const nlohmann::json s = testing::RunSummary(model.parent_path());
  std::printf("summary: %s\n", s.dump().c_str());
  EXPECT_GT(s["gold_reward"].get<double>(), s["gold_reward_start"].get<double>() + 1.0);
}

}  // namespace
}  // namespace rlab::pipeline
