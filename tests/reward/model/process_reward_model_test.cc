// Process reward models: a completion's steps are read at their last tokens, a batch flattens
// every step with its label, outcome supervision keeps the final step with the all-right
// label, the trainer's per-step cross-entropy learns separable step labels, and a saved model
// loads back with its delimiter and the same step probabilities (and is refused as an outcome
// reward model).
#include "rlab/reward/model/process_reward_model.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/model/process_reward_trainer.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "reward/small_llama_config.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

models::TransformerConfig PrmTestConfig() {
  return testing::SmallLlamaConfig(models::ByteTokenizer().vocab_size(), 32);
}

models::SequenceRewardModel FreshPrm(uint64_t seed) {
  torch::manual_seed(seed);
  return models::SequenceRewardModel(PrmTestConfig());
}

TEST(ProcessRewardModel, StepsAreReadAtTheirLastTokens) {
  models::ByteTokenizer bytes;
  // BOS + "1+2=" (5 tokens), then "1+2=3;3*2=6": steps end after characters 5 and 11.
  const StepExample e = TokenizeSteps(bytes, "1+2=", "1+2=3;3*2=6", {5, 11}, {true, false}, "t");
  ASSERT_EQ(e.step_tokens, (std::vector<int64_t>{9, 15}));
  EXPECT_EQ(bytes.DecodeOne(e.ids[9]), "3");
  EXPECT_EQ(bytes.DecodeOne(e.ids[15]), "6");
  EXPECT_THROW(TokenizeSteps(bytes, "p", "ab", {5}, {true}, "t"), Error);
  EXPECT_THROW(TokenizeSteps(bytes, "p", "ab", {1, 2}, {true}, "t"), Error);
}

TEST(ProcessRewardModel, OutcomeOnlyKeepsTheFinalStepLabelledAllRight) {
  const StepExample e{{1, 2, 3, 4}, {1, 3}, {true, false}};
  const StepExample wrong = OutcomeOnly(e);
  EXPECT_EQ(wrong.step_tokens, (std::vector<int64_t>{3}));
  EXPECT_EQ(wrong.labels, (std::vector<bool>{false}));
  const StepExample right = OutcomeOnly({{1, 2, 3, 4}, {1, 3}, {true, true}});
  EXPECT_EQ(right.labels, (std::vector<bool>{true}));
}

TEST(ProcessRewardModel, BatchFlattensStepsAndLogitsAreTheHeadAtThem) {
  const std::vector<StepExample> examples = {{{1, 70, 71}, {1, 2}, {true, false}},
                                             {{1, 72}, {1}, {true}}};
  const std::vector<int64_t> idx = {0, 1};
  const StepBatch b = CollateSteps(examples, idx, 0);
  EXPECT_TRUE(torch::equal(b.rows, torch::tensor({0, 0, 1}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(b.columns, torch::tensor({1, 2, 1}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(b.labels, torch::tensor({1.0f, 0.0f, 1.0f})));
  EXPECT_EQ(b.Tokens(), 5);
  auto model = FreshPrm(3);
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor all = model->score(model->backbone->Hidden(b.ids, b.attention_mask));
  const torch::Tensor logits = StepLogits(model, b);  // [3]
  EXPECT_TRUE(torch::allclose(logits, torch::stack({all[0][1][0], all[0][2][0], all[1][1][0]})));
}

// Completions "a?b?" whose step is right when it ends in 'r' and wrong when it ends in 'w'.
std::vector<StepExample> SeparableSteps(const models::Tokenizer& tokenizer, int64_t n) {
  std::vector<StepExample> out;
  for (int64_t i = 0; i < n; ++i) {
    const bool first = i % 2 == 0, second = first && i % 3 != 0;
    std::string completion = std::string(1, static_cast<char>('a' + i % 5)) + (first ? "r" : "w") +
                             ";" + static_cast<char>('a' + i % 7) + (second ? "r" : "w");
    out.push_back(TokenizeSteps(tokenizer, "q:", completion, {2, 5}, {first, second}, "t"));
  }
  return out;
}

PrmTrainerOptions PrmOptions(int64_t steps) {
  PrmTrainerOptions o;
  o.optim.steps = steps;
  o.optim.batch_size = 16;
  o.optim.learning_rate = 1e-2;
  o.optim.warmup_ratio = 0.0;
  return o;
}

TEST(ProcessRewardTrainer, PerStepCrossEntropyLearnsSeparableStepLabels) {
  models::ByteTokenizer bytes;
  ProcessRewardTrainer trainer(PrmOptions(60), FreshPrm(1), SeparableSteps(bytes, 48), 0, 7);
  const PrmStepStats first = trainer.Step();
  EXPECT_EQ(first.steps, 32);
  EXPECT_NEAR(first.loss, std::log(2.0), 0.2);
  PrmStepStats last;
  while (!trainer.done()) last = trainer.Step();
  EXPECT_LT(last.loss, 0.1);
  EXPECT_EQ(last.step_accuracy, 1.0);
}

TEST(ProcessRewardTrainer, OutcomeSupervisionTrainsOneLabelPerCompletion) {
  models::ByteTokenizer bytes;
  PrmTrainerOptions o = PrmOptions(1);
  o.supervision = "outcome";
  ProcessRewardTrainer trainer(o, FreshPrm(1), SeparableSteps(bytes, 48), 0, 7);
  EXPECT_EQ(trainer.Step().steps, 16);
  o.supervision = "final";
  EXPECT_THROW(ProcessRewardTrainer(o, FreshPrm(1), SeparableSteps(bytes, 4), 0, 7), Error);
}

TEST(ProcessRewardModel, RoundTripsWithDelimiterAndIsNoOutcomeRewardModel) {
  testing::ScratchDir dir("prm_round_trip");
  models::ByteTokenizer bytes;
  auto model = FreshPrm(2);
  model->eval();
  SaveProcessRewardModelDir(model, {";", "step"}, &bytes, {}, dir.path());
  ASSERT_TRUE(IsProcessRewardModelDir(dir.path()));
  ProcessRewardModel back = LoadProcessRewardModel(dir.path());
  EXPECT_EQ(back.info().delimiter, ";");
  EXPECT_EQ(back.info().supervision, "step");
  ProcessRewardModel here(model, std::make_unique<models::ByteTokenizer>(), {";", "step"});
  const std::vector<std::string> prompts = {"1+2=", "3*3="}, completions = {"1+2=3;3*2=6", "3*3=9"};
  const std::vector<std::vector<std::size_t>> ends = {{5, 11}, {5}};
  const auto p = back.StepProbabilities(prompts, completions, ends, 1);
  ASSERT_EQ(p.size(), 2u);
  ASSERT_EQ(p[0].size(), 2u);
  ASSERT_EQ(p[1].size(), 1u);
  const auto q = here.StepProbabilities(prompts, completions, ends);
  for (std::size_t i = 0; i < p.size(); ++i) {
    for (std::size_t k = 0; k < p[i].size(); ++k) EXPECT_NEAR(p[i][k], q[i][k], 1e-6);
  }
  EXPECT_THROW(LoadTextRewardModel(dir.path()), Error);
}

}  // namespace
}  // namespace rlab::reward
