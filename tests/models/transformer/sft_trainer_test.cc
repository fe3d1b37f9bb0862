// The SFT trainer: micro-batches accumulate to the gradient of one batch holding all their rows,
// the loss on the training examples falls, held-out loss is the mean per target token, and the
// step counter drives the learning-rate schedule.
#include "rlab/models/transformer/sft_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "rlab/models/transformer/presets.h"
#include "sft_example_support.h"
#include "test_support.h"

namespace rlab::models {
namespace {

using rlab::testing::PromptCompletion;

constexpr int64_t kPad = 0;

const std::vector<data::SftExample>& Examples() {
  static const std::vector<data::SftExample> examples = {
      PromptCompletion({1, 2}, {3, 4, 5}), PromptCompletion({1, 3}, {4, 5}),
      PromptCompletion({2, 2}, {6}), PromptCompletion({2, 4}, {6, 7, 8, 9})};
  return examples;
}

data::TokenBatch Rows(const std::vector<int64_t>& rows) {
  return data::CollateRightPadded(Examples(), rows, kPad);
}

Transformer TinyModel() {
  torch::manual_seed(3);
  return Transformer(*FindPreset("tiny", 16));
}

SftTrainerOptions SftTestOptions() {
  SftTrainerOptions o;
  o.optim.learning_rate = 1e-2;
  o.optim.warmup_ratio = 0.0;
  return o;
}

TEST(SftTrainer, MicroBatchesAccumulateToOneBatchOfAllTheirRows) {
  Transformer a = TinyModel(), b = TinyModel();
  SftTrainer split(SftTestOptions(), a, kPad, 5), whole(SftTestOptions(), b, kPad, 5);
  const SftStep s = split.Step({Rows({0, 1}), Rows({2, 3})});
  const SftStep w = whole.Step({Rows({0, 1, 2, 3})});
  EXPECT_EQ(s.targets, 10.0);
  EXPECT_EQ(w.targets, 10.0);
  EXPECT_NEAR(s.loss, w.loss, 1e-5);
  EXPECT_NEAR(s.grad_norm, w.grad_norm, 1e-4);
  // The gradients the step applied (clipped alike): Adam's first step divides them by their
  // own size, which would magnify rounding in the parameters of near-zero gradients.
  const auto pa = a->parameters(), pb = b->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_TRUE(torch::allclose(pa[i].grad(), pb[i].grad(), 1e-4, 1e-6)) << "parameter " << i;
  }
}

TEST(SftTrainer, TrainingLowersTheLossAndFollowsTheSchedule) {
  Transformer model = TinyModel();
  const SftTrainerOptions o = SftTestOptions();
  SftTrainer trainer(o, model, kPad, 20);
  const double before = trainer.HeldOutLoss(Examples(), 3);
  EXPECT_NEAR(before, std::log(16.0), 0.5);  // about uniform over the vocabulary at the start
  for (int i = 0; i < 20; ++i) {
    const SftStep s = trainer.Step({Rows({0, 1, 2, 3})});
    EXPECT_DOUBLE_EQ(s.learning_rate, o.optim.LearningRateAt(i, 20));
    EXPECT_NEAR(s.loss, s.nll / s.targets, 1e-12);
  }
  EXPECT_EQ(trainer.step(), 20);
  EXPECT_LT(trainer.HeldOutLoss(Examples(), 3), 0.8 * before);
  EXPECT_TRUE(std::isnan(trainer.HeldOutLoss({}, 3)));
}

TEST(SftTrainer, ADivergingRunStopsAtTheFirstNonFiniteStepNamingTheLearningRate) {
  Transformer model = TinyModel();
  SftTrainerOptions o = SftTestOptions();
  o.optim.learning_rate = 1e30;  // the first update leaves weights near 1e30: the next step is NaN
  SftTrainer trainer(o, model, kPad, 5);
  const std::string error = rlab::testing::ErrorOf([&] {
    for (int i = 0; i < 5; ++i) trainer.Step({Rows({0, 1, 2, 3})});
  });
  EXPECT_TRUE(rlab::testing::Contains(error, "training diverged at step 2")) << error;
  EXPECT_TRUE(rlab::testing::Contains(error, "Lower optim.learning_rate (now 1e+30)")) << error;
  EXPECT_EQ(trainer.step(), 1);  // the diverged step was not applied
  for (const auto& p : model->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

TEST(SftTrainerOptions, InfiniteOrNanLearningRatesAreRefused) {
  for (const double rate : {std::numeric_limits<double>::infinity(), std::nan("")}) {
    SftTrainerOptions o;
    o.optim.learning_rate = rate;
    EXPECT_TRUE(rlab::testing::Contains(rlab::testing::ErrorOf([&] { o.Validate(); }),
                                        "optim.learning_rate must be > 0 and finite"))
        << rate;
  }
}

}  // namespace
}  // namespace rlab::models
