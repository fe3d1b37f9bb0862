// Batch sizes held to the training data: a batch holds at most the whole training set and one
// step's micro-batches together at most the training set too; settings that fit are kept.
#include "rlab/pipeline/lm/batch_fit.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab::pipeline {
namespace {

models::LmOptim BatchesOf(int64_t batch_size, int64_t grad_accum) {
  models::LmOptim o;
  o.batch_size = batch_size;
  o.grad_accum = grad_accum;
  return o;
}

TEST(FitBatchesToData, SettingsThatFitTheDataAreKept) {
  const models::LmOptim fitted = FitBatchesToData(BatchesOf(8, 4), 32, "train.jsonl");
  EXPECT_EQ(fitted.batch_size, 8);
  EXPECT_EQ(fitted.grad_accum, 4);
}

TEST(FitBatchesToData, AHugeBatchBecomesTheWholeTrainingSet) {
  const models::LmOptim fitted = FitBatchesToData(BatchesOf(100000000, 1), 38, "prefs.jsonl");
  EXPECT_EQ(fitted.batch_size, 38);
  EXPECT_EQ(fitted.grad_accum, 1);
}

TEST(FitBatchesToData, AccumulationStopsWhereAStepWouldRepeatExamples) {
  EXPECT_EQ(FitBatchesToData(BatchesOf(4, 1000000), 38, "prefs.jsonl").grad_accum, 9);
  const models::LmOptim both = FitBatchesToData(BatchesOf(100, 100), 38, "prefs.jsonl");
  EXPECT_EQ(both.batch_size, 38);
  EXPECT_EQ(both.grad_accum, 1);
}

TEST(FitBatchesToData, NoDataIsAnErrorNamingIt) {
  EXPECT_TRUE(
      testing::Contains(testing::ErrorOf([] { FitBatchesToData(BatchesOf(8, 1), 0, "x.jsonl"); }),
                        "x.jsonl: no training example"));
}

}  // namespace
}  // namespace rlab::pipeline
