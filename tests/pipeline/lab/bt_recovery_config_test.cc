// bt-recovery's config: a batch larger than the training comparisons is refused before the
// run starts, naming the key and the data's size (a batch of 1e8 once asked for 10 GB); the
// coverage and pessimism keys are checked likewise.
#include "rlab/pipeline/lab/bt_recovery.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "rlab/pipeline/run/runner.h"
#include "test_support.h"

namespace rlab::pipeline {
namespace {

TEST(BtRecoveryConfig, ABatchLargerThanTheTrainingPairsIsRefusedBeforeTheRunStarts) {
  testing::ScratchDir scratch("bt-config");
  RunRequest request;
  request.config_path = std::string(RLAB_SOURCE_DIR) + "/examples/bt_recovery.yaml";
  request.overrides = {"run.out_dir=" + (scratch / "runs").string(), "train.batch_size=100000000"};
  const std::string error = testing::ErrorOf([&] { ExecuteRun(request); });
  EXPECT_TRUE(testing::Contains(
      error, "train.batch_size is 100000000, more than the 5000 comparisons of data.train_pairs"))
      << error;
  EXPECT_FALSE(std::filesystem::exists(scratch / "runs"));
}

TEST(BtRecoveryConfig, ABatchOfAllTheTrainingPairsIsAccepted) {
  BtRecoveryConfig config;
  config.train.batch_size = config.data.train_pairs;
  EXPECT_NO_THROW(config.Validate());
}

TEST(BtRecoveryConfig, UncoveredDimsAndPessimismOutOfRangeAreRefusedNamingTheKey) {
  BtRecoveryConfig config;
  config.data.uncovered_dims = config.data.dim + 1;
  EXPECT_TRUE(testing::Contains(testing::ErrorOf([&] { config.data.Validate(); }),
                                "data.uncovered_dims must be in [0, data.dim = 16]"));
  config.pessimism.gamma = -1;
  EXPECT_TRUE(testing::Contains(testing::ErrorOf([&] { config.pessimism.Validate(); }),
                                "pessimism.gamma must be >= 0"));
}

}  // namespace
}  // namespace rlab::pipeline
