// The text reward-model trainer on a tiny transformer: a step gives finite figures and the loss
// falls on separable pairs; ensemble members start from their own seeds and WARM members from
// one; a trainer restored from its state and counters continues as an uninterrupted one does.
#include "rlab/reward/model/text_reward_model_trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "rlab/core/checkpoint.h"
#include "reward/small_llama_config.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

models::TransformerConfig TinyConfig() { return testing::SmallLlamaConfig(16, 16); }

// Pairs whose chosen response ends in token 5 and whose rejected one ends in token 6.
std::vector<data::PreferenceExample> SeparablePairs(int64_t n) {
  std::vector<data::PreferenceExample> pairs(n);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t filler = 7 + i % 8;
    pairs[i].sequences = {{1, filler, 5}, {1, filler, 6}};
    pairs[i].ratings = {std::nan(""), std::nan("")};
  }
  return pairs;
}

TextRmTrainerOptions TextTrainerOptions(int64_t steps) {
  TextRmTrainerOptions o;
  o.optim.steps = steps;
  o.optim.batch_size = 8;
  o.optim.learning_rate = 1e-2;
  o.optim.warmup_ratio = 0.0;
  return o;
}

// Builds members as a pipeline does, recording the seeds it was asked for.
struct Members {
  std::vector<uint64_t> seeds;
  models::SequenceRewardModel operator()(uint64_t seed) {
    seeds.push_back(seed);
    torch::manual_seed(seed);
    return models::SequenceRewardModel(TinyConfig());
  }
};

TextRewardModelTrainer MakeTrainer(const TextRmTrainerOptions& o, Members& members) {
  return TextRewardModelTrainer(
      o, [&members](uint64_t seed) { return members(seed); }, SeparablePairs(32), /*pad_id=*/0,
      /*seed=*/3);
}

TEST(TextRewardModelTrainer, StepsWithFiniteFiguresAndLearnsSeparablePairs) {
  Members members;
  TextRewardModelTrainer trainer = MakeTrainer(TextTrainerOptions(30), members);
  double first = 0.0, last = 0.0;
  while (!trainer.member_done()) {
    const RmStepStats s = trainer.Step();
    ASSERT_TRUE(std::isfinite(s.loss) && std::isfinite(s.grad_norm)) << trainer.member_step();
    EXPECT_EQ(s.records, 8);
    EXPECT_EQ(s.compared, 8.0);
    EXPECT_GT(s.tokens, 0);
    if (trainer.member_step() == 1) first = s.loss;
    last = s.loss;
  }
  EXPECT_LT(last, 0.5 * first) << "first " << first << ", last " << last;
  EXPECT_EQ(trainer.step(), 30);
  trainer.NextMember();
  EXPECT_TRUE(trainer.done());
}

TEST(TextRewardModelTrainer, StepTakesAGivenBatch) {
  Members members;
  TextRewardModelTrainer trainer = MakeTrainer(TextTrainerOptions(5), members);
  const auto pairs = SeparablePairs(4);
  const std::vector<int64_t> all = {0, 1, 2, 3};
  const RmStepStats s = trainer.Step({CollatePreferences(pairs, all, 0)});
  EXPECT_TRUE(std::isfinite(s.loss));
  EXPECT_EQ(s.compared, 4.0);
  EXPECT_EQ(trainer.member_step(), 1);
}

TEST(TextRewardModelTrainer, EnsembleMembersStartApartAndWarmMembersTogether) {
  for (const char* mode : {"ensemble", "warm"}) {
    TextRmTrainerOptions o = TextTrainerOptions(2);
    o.ensemble.members = 3;
    o.ensemble.mode = mode;
    Members members;
    TextRewardModelTrainer trainer = MakeTrainer(o, members);
    while (!trainer.done()) {
      trainer.Step();
      if (trainer.member_done()) trainer.NextMember();
    }
    EXPECT_EQ(trainer.step(), 6);
    // The first seed builds the trainer's model, then one fresh start per member.
    ASSERT_EQ(members.seeds.size(), 4u) << mode;
    const std::set<uint64_t> distinct(members.seeds.begin() + 1, members.seeds.end());
    EXPECT_EQ(distinct.size(), o.ensemble.warm() ? 1u : 3u) << mode;
  }
}

TEST(TextRewardModelTrainer, RestoredTrainerContinuesAsAnUninterruptedOne) {
  testing::ScratchDir dir("text_rm_trainer_resume");
  TextRmTrainerOptions o = TextTrainerOptions(6);
  o.ensemble.members = 2;
  Members a_members, b_members;
  TextRewardModelTrainer a = MakeTrainer(o, a_members);
  // Stop inside the second member.
  while (a.step() < 8) {
    a.Step();
    if (a.member_done()) a.NextMember();
  }
  a.State().Save(dir / "state.pt", a.Counters());
  double a_loss = 0.0;
  while (!a.member_done()) a_loss = a.Step().loss;

  TextRewardModelTrainer b = MakeTrainer(o, b_members);
  b.Restore(b.State().Load(dir / "state.pt"));
  EXPECT_EQ(b.member(), 1);
  EXPECT_EQ(b.member_step(), 2);
  double b_loss = 0.0;
  while (!b.member_done()) b_loss = b.Step().loss;
  EXPECT_EQ(a_loss, b_loss);
  EXPECT_TRUE(torch::equal(a.model()->score->weight, b.model()->score->weight));
}

TEST(TextRewardModelTrainer, ADivergingRunStopsAtTheFirstNonFiniteStepNamingTheLearningRate) {
  Members members;
  TextRmTrainerOptions o = TextTrainerOptions(5);
  o.optim.learning_rate = 1e30;  // the first update leaves weights near 1e30: the next step is NaN
  TextRewardModelTrainer trainer = MakeTrainer(o, members);
  const std::string error = testing::ErrorOf([&] {
    while (!trainer.member_done()) trainer.Step();
  });
  EXPECT_TRUE(testing::Contains(error, "training diverged at step 2")) << error;
  EXPECT_TRUE(testing::Contains(error, "Lower optim.learning_rate (now 1e+30)")) << error;
  EXPECT_EQ(trainer.member_step(), 1);
}

TEST(TextRmTrainerOptions, BadSettingsAreRefused) {
  TextRmTrainerOptions o;
  o.ensemble.mode = "bagging";
  EXPECT_NE(testing::ErrorOf([&] { o.Validate(); }).find("ensemble.mode must be ensemble or warm"),
            std::string::npos);
  o = TextRmTrainerOptions();
  o.objective = "no_such_objective";
  EXPECT_NE(testing::ErrorOf([&] { o.Validate(); }).find("bradley_terry"), std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
