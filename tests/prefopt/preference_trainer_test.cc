// The preference trainer steps a small policy: DPO's margin grows from zero, accumulated
// micro-batches count every unit, the schedule's learning rate is reported, held-out figures
// carry TRL's names and the loss, and the state registered for checkpoints takes a trainer
// back to where it was saved.
#include "rlab/prefopt/preference_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "rlab/core/checkpoint.h"
#include "rlab/models/transformer/presets.h"
#include "rlab/prefopt/sequence_logps.h"
#include "sft_example_support.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

using rlab::testing::PromptCompletion;

constexpr int64_t kPad = 0;

models::Transformer TinyPolicy() {
  torch::manual_seed(7);
  return models::Transformer(*models::FindPreset("tiny", 16));
}

// Four prompts, each with a chosen and a rejected completion; the reference is the policy as
// it starts.
PreferenceData Pairs(models::Transformer& policy) {
  PreferenceData d;
  for (int64_t p = 0; p < 4; ++p) {
    d.set.sequences.push_back(PromptCompletion({1, 2 + p}, {7, 8, 9}));
    d.set.sequences.push_back(PromptCompletion({1, 2 + p}, {10, 11}));
    d.set.units.push_back({{2 * p, 2 * p + 1}});
  }
  torch::NoGradGuard no_grad;
  std::vector<int64_t> rows(d.set.sequences.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int64_t>(i);
  d.ref_logps = SequenceLogps(policy, d.set.sequences, rows, kPad).logps.to(torch::kFloat64);
  return d;
}

PreferenceTrainerOptions Options() {
  PreferenceTrainerOptions o;
  o.optim.learning_rate = 1e-2;
  o.optim.warmup_ratio = 0.0;
  return o;
}

double Figure(const MetricList& figures, const std::string& name) {
  for (const auto& [k, v] : figures) {
    if (k == name) return v;
  }
  ADD_FAILURE() << name << " missing";
  return std::nan("");
}

TEST(PreferenceTrainer, StepsRaiseTheMarginOfTheChosenCompletions) {
  models::Transformer policy = TinyPolicy();
  const PreferenceData data = Pairs(policy);
  const PreferenceTrainerOptions o = Options();
  PreferenceTrainer trainer(o, policy, MakePolicyObjective(o.objective), kPad, 10);
  const MetricList before = trainer.Evaluate(data, 3);
  EXPECT_NEAR(Figure(before, "rewards/margins"), 0.0, 1e-6);
  EXPECT_NEAR(Figure(before, "loss"), std::log(2.0), 1e-6);
  for (int i = 0; i < 10; ++i) {
    const PreferenceStep s = trainer.Step(data, {{0, 1}, {2, 3}});
    EXPECT_EQ(s.micro_batches.size(), 2u);
    EXPECT_EQ(s.units, 4);
    EXPECT_GT(s.padded_tokens, 0);
    EXPECT_TRUE(std::isfinite(s.loss) && std::isfinite(s.grad_norm));
    EXPECT_DOUBLE_EQ(s.learning_rate, o.optim.LearningRateAt(i, 10));
  }
  EXPECT_EQ(trainer.step(), 10);
  const MetricList after = trainer.Evaluate(data, 3);
  EXPECT_GT(Figure(after, "rewards/margins"), 0.0);
  EXPECT_LT(Figure(after, "loss"), Figure(before, "loss"));
}

TEST(PreferenceTrainer, CheckpointStateTakesTheTrainerBackToWhereItWasSaved) {
  testing::ScratchDir dir("preference_trainer");
  models::Transformer policy = TinyPolicy();
  const PreferenceData data = Pairs(policy);
  const PreferenceTrainerOptions o = Options();
  PreferenceTrainer trainer(o, policy, MakePolicyObjective(o.objective), kPad, 10);
  trainer.Step(data, {{0, 1, 2, 3}});
  CheckpointState state;
  trainer.AddTo(state);
  state.Save(dir / "state.pt", {{"step", trainer.step()}});
  const double next = trainer.Step(data, {{3, 2, 1, 0}}).loss;
  trainer.Step(data, {{0, 1, 2, 3}});
  trainer.Resume(state.Load(dir / "state.pt")["step"].get<int64_t>());
  EXPECT_EQ(trainer.step(), 1);
  EXPECT_EQ(trainer.Step(data, {{3, 2, 1, 0}}).loss, next);
}

TEST(PreferenceTrainer, ADivergingRunStopsAtTheFirstNonFiniteStepNamingItsSettings) {
  models::Transformer policy = TinyPolicy();
  const PreferenceData data = Pairs(policy);
  PreferenceTrainerOptions o = Options();
  o.optim.learning_rate = 1e30;  // the first update leaves weights near 1e30: the next step is NaN
  PreferenceTrainer trainer(o, policy, MakePolicyObjective(o.objective), kPad, 5);
  const std::string error = testing::ErrorOf([&] {
    for (int i = 0; i < 5; ++i) trainer.Step(data, {{0, 1, 2, 3}});
  });
  EXPECT_TRUE(testing::Contains(error, "training diverged at step 2")) << error;
  EXPECT_TRUE(testing::Contains(error, "optim.learning_rate (now 1e+30) or beta (now 0.1)"))
      << error;
  EXPECT_EQ(trainer.step(), 1);
}

TEST(PreferenceTrainerOptions, InfiniteOrNanBetaAndLearningRateAreRefused) {
  for (const double bad : {std::numeric_limits<double>::infinity(), std::nan("")}) {
    PreferenceTrainerOptions o;
    o.objective.beta = bad;
    EXPECT_TRUE(
        testing::Contains(testing::ErrorOf([&] { o.Validate(); }), "beta must be > 0 and finite"))
        << bad;
    o = PreferenceTrainerOptions();
    o.optim.learning_rate = bad;
    EXPECT_TRUE(testing::Contains(testing::ErrorOf([&] { o.Validate(); }),
                                  "optim.learning_rate must be > 0 and finite"))
        << bad;
  }
}

}  // namespace
}  // namespace rlab::prefopt
