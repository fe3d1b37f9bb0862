// Online preference optimisation's shared machinery: the judges' matrices (the gold judge is
// antisymmetric and follows the task; a Bradley-Terry reward model gives sigmoid(r_a - r_b)
// with its rewards as scores; a GPM gives an antisymmetric matrix without scores), the pair
// entries (online_dpo takes the judge's better of each two samples, west_of_n the best and
// worst by win rate, both with DPO's closed form), and the trainer on preset:tiny: two steps
// give finite figures, a checkpoint taken after the first gives an identical second step
// (reference copies included), and bad names and group sizes are refused by name.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/models/transformer/language_model.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_preference_trainer.h"
#include "rlab/reward/model/text_reward_model.h"
#include "rlab/reward/signal/preference_judge.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "models/transformer/tiny_configs.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

models::SequenceRewardModel SmallRewardModel(uint64_t seed, int64_t labels) {
  models::TransformerConfig c = models::testing::TinyLlama();
  c.vocab_size = models::ByteTokenizer().vocab_size();
  torch::manual_seed(seed);
  models::SequenceRewardModel m(c, labels);
  m->eval();
  return m;
}

// Two prompts of the keywords task with three of the task's responses each.
struct JudgedGroups {
  std::vector<std::string> prompts;
  reward::CompletionGroups groups;
};

JudgedGroups KeywordGroups(const data::TextTask& task) {
  Rng rng(5);
  JudgedGroups j;
  for (int p = 0; p < 2; ++p) {
    j.prompts.push_back(task.Sample(rng, data::TaskSplit::kTrain).prompt);
    j.groups.emplace_back();
    for (int g = 0; g < 3; ++g) j.groups.back().push_back(task.SampleResponse(j.prompts[p], rng));
  }
  return j;
}

TEST(PreferenceJudge, GoldFollowsTheTaskAndIsAntisymmetric) {
  const auto task = data::MakeTextTask("keywords");
  const JudgedGroups j = KeywordGroups(*task);
  const auto judge = reward::MakePreferenceJudge("gold", task.get());
  const torch::Tensor m = judge->CompareWithin(j.prompts, j.groups);  // [2, 3, 3]
  ASSERT_EQ(m.sizes(), (std::vector<int64_t>{2, 3, 3}));
  EXPECT_TRUE(torch::allclose(m + m.transpose(1, 2), torch::ones_like(m)));
  const torch::Tensor scores = *judge->Scores(j.prompts, j.groups);  // [2, 3]
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_DOUBLE_EQ(scores[p][i].item<double>(), task->GoldReward(j.prompts[p], j.groups[p][i]));
      for (int k = 0; k < 3; ++k) {
        EXPECT_DOUBLE_EQ(m[p][i][k].item<double>(),
                         task->GoldPreference(j.prompts[p], j.groups[p][i], j.groups[p][k]));
      }
    }
  }
}

TEST(PreferenceJudge, BradleyTerryModelIsTheSigmoidOfTheRewardGap) {
  testing::ScratchDir dir("preference_judge_bt");
  models::ByteTokenizer bytes;
  reward::SaveRewardModelDir(SmallRewardModel(1, 1), "bradley_terry", &bytes, {}, dir.path());
  const auto task = data::MakeTextTask("keywords");
  const JudgedGroups j = KeywordGroups(*task);
  const auto judge =
      reward::MakePreferenceJudge(fmt::format("model(path=\"{}\")", dir.path().string()), nullptr);
  const torch::Tensor m = judge->Compare(j.prompts, j.groups, j.groups);  // [2, 3, 3]
  const torch::Tensor r = *judge->Scores(j.prompts, j.groups);            // [2, 3]
  const torch::Tensor expected = torch::sigmoid(r.unsqueeze(2) - r.unsqueeze(1));
  EXPECT_TRUE(torch::allclose(m, expected, 1e-5, 1e-6));
  reward::TextRewardModel direct = reward::LoadTextRewardModel(dir.path());
  const torch::Tensor r0 = direct.MemberRewardsOfTexts({j.prompts[0]}, {j.groups[0][1]});
  EXPECT_NEAR(r[0][1].item<double>(), r0[0][0].item<double>(), 1e-6);
}

TEST(PreferenceJudge, GeneralPreferenceModelComparesWithoutScores) {
  testing::ScratchDir dir("preference_judge_gpm");
  models::ByteTokenizer bytes;
  reward::SaveRewardModelDir(SmallRewardModel(2, 4), "gpm(dims=4)", &bytes, {}, dir.path());
  const auto task = data::MakeTextTask("keywords");
  const JudgedGroups j = KeywordGroups(*task);
  const auto judge =
      reward::MakePreferenceJudge(fmt::format("model(path=\"{}\")", dir.path().string()), nullptr);
  const torch::Tensor m = judge->Compare(j.prompts, j.groups, j.groups);  // [2, 3, 3]
  EXPECT_TRUE(torch::allclose(m + m.transpose(1, 2), torch::ones_like(m), 1e-5, 1e-6));
  EXPECT_FALSE(judge->Scores(j.prompts, j.groups).has_value());
}

TEST(PreferenceJudge, UnknownNamesListTheJudges) {
  const std::string error =
      testing::ErrorOf([] { reward::MakePreferenceJudge("oracle", nullptr); });
  EXPECT_NE(error.find("gold"), std::string::npos) << error;
  EXPECT_NE(error.find("model"), std::string::npos) << error;
}

// One prompt, four samples: log-probs, reference log-probs and a judged matrix in which
// sample 1 beats 0, 2 beats 3, and 2 beats everything.
OnlineBatch HandBatch() {
  OnlineBatch b;
  b.logps = torch::tensor({{-1.0, -2.0, -3.0, -4.0}}, torch::requires_grad());
  b.old_logps = b.logps.detach();
  b.ref_logps = torch::tensor({{-1.5, -1.5, -2.5, -3.0}});
  b.tokens = torch::full({1, 4}, 3.0);
  b.preference = torch::tensor(
      {{{0.5, 0.2, 0.1, 0.6}, {0.8, 0.5, 0.3, 0.7}, {0.9, 0.7, 0.5, 0.9}, {0.4, 0.3, 0.1, 0.5}}});
  return b;
}

double DpoSigmoid(double beta, double chosen, double rejected, double ref_c, double ref_r) {
  const double h = (chosen - ref_c) - (rejected - ref_r);
  return std::log1p(std::exp(-beta * h));
}

TEST(OnlinePairObjectives, OnlineDpoTakesTheJudgesBetterOfEachTwo) {
  const OnlineLoss out = MakeOnlineObjective("online_dpo(beta=0.5)")->Loss(HandBatch());
  // Pairs (0, 1): 1 wins; (2, 3): 2 wins.
  const double expected =
      (DpoSigmoid(0.5, -2, -1, -1.5, -1.5) + DpoSigmoid(0.5, -3, -4, -2.5, -3)) / 2;
  EXPECT_NEAR(out.loss.item<double>(), expected, 1e-6);
  EXPECT_EQ(out.metrics.front().first, "rewards/chosen");
}

TEST(OnlinePairObjectives, WestOfNPairsTheBestAndWorstByWinRate) {
  const OnlineLoss out =
      MakeOnlineObjective("west_of_n(loss=sigmoid, beta=0.2)")->Loss(HandBatch());
  EXPECT_NEAR(out.loss.item<double>(), DpoSigmoid(0.2, -3, -4, -2.5, -3), 1e-6);
  out.loss.backward();
}

TEST(OnlinePairObjectives, UnknownNamesListTheEntries) {
  const std::string error = testing::ErrorOf([] { MakeOnlineObjective("online_pdo"); });
  EXPECT_NE(error.find("online_dpo"), std::string::npos) << error;
  EXPECT_NE(error.find("west_of_n"), std::string::npos) << error;
}

class OnlinePreferenceTrainerTest : public ::testing::Test {
 protected:
  std::unique_ptr<data::TextTask> task_ = data::MakeTextTask("keywords");
  std::unique_ptr<reward::PreferenceJudge> judge_ =
      reward::MakePreferenceJudge("gold", task_.get());

  struct Models {
    models::LanguageModel policy = models::OpenLanguageModel("preset:tiny", 3);
    models::LanguageModel reference = models::OpenLanguageModel("preset:tiny", 3);
  };

  OnlinePreferenceTrainer Make(Models& m, OnlinePreferenceOptions options) {
    m.reference.model->eval();
    options.prompts_per_step = 2;
    options.sampling.max_new_tokens = 4;
    models::LmOptim optim;
    optim.steps = 10;
    optim.warmup_ratio = 0;
    models::GenerationOptions generation;
    return OnlinePreferenceTrainer(
        options,
        {m.policy.model, m.reference.model, task_.get(), m.policy.tokenizer.get(), judge_.get()},
        optim, generation, 7);
  }
};

TEST_F(OnlinePreferenceTrainerTest, TwoStepsGiveFiniteFiguresAndMoveThePolicy) {
  Models m;
  OnlinePreferenceTrainer trainer = Make(m, {});
  const torch::Tensor before = m.policy.model->parameters().front().clone();
  for (int i = 0; i < 2; ++i) {
    const MetricList metrics = trainer.Iterate();
    for (const auto& [name, value] : metrics) EXPECT_TRUE(std::isfinite(value)) << name;
    EXPECT_EQ(metrics.front().first, "rewards/chosen");
  }
  EXPECT_EQ(trainer.step(), 2);
  EXPECT_FALSE(torch::equal(before, m.policy.model->parameters().front()));
}

TEST_F(OnlinePreferenceTrainerTest, CheckpointAfterOneStepGivesTheSameSecondStep) {
  testing::ScratchDir dir("online_trainer_checkpoint");
  OnlinePreferenceOptions options;
  options.objective = "west_of_n";
  options.ref_update_every = 1;  // the reference moves after every step, and is checkpointed
  Models a;
  OnlinePreferenceTrainer first = Make(a, options);
  first.Iterate();
  CheckpointState saved;
  first.AddState(saved);
  saved.Save(dir / "state.pt", first.Counters());
  const MetricList expected = first.Iterate();

  Models b;
  OnlinePreferenceTrainer resumed = Make(b, options);
  CheckpointState restored;
  resumed.AddState(restored);
  resumed.RestoreCounters(restored.Load(dir / "state.pt"));
  EXPECT_TRUE(
      torch::equal(b.policy.model->parameters().back(), b.reference.model->parameters().back()));
  const MetricList again = resumed.Iterate();
  ASSERT_EQ(again.size(), expected.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    if (again[i].first.starts_with("time_")) continue;
    EXPECT_EQ(again[i].first, expected[i].first);
    EXPECT_DOUBLE_EQ(again[i].second, expected[i].second) << again[i].first;
  }
  EXPECT_TRUE(
      torch::equal(a.policy.model->parameters().front(), b.policy.model->parameters().front()));
}

// An objective that asks for three samples of the reference per prompt and reports what the
// trainer gave it: the opponent matrix's size and mean.
class ReferenceOpponentProbe : public OnlineObjective {
 public:
  OnlineNeeds Needs() const override {
    return {.min_group = 2, .opponent = "reference", .opponents_per_prompt = 3};
  }
  OnlineLoss Loss(const OnlineBatch& b) const override {
    return {b.logps.sum() * 0.0,
            {{"opponents", static_cast<double>(b.opponent_preference.size(2))},
             {"prompts", static_cast<double>(b.opponent_preference.size(0))},
             {"mean", b.opponent_preference.mean().item<double>()}}};
  }
  std::string Describe() const override { return "reference_opponent_probe"; }
};

TEST_F(OnlinePreferenceTrainerTest, ReferenceOpponentsAreJudgedAgainstEachSample) {
  RegisterOnlineObjectives();
  if (!OnlineObjectives().Contains("reference_opponent_probe")) {
    OnlineObjectives().Register({"reference_opponent_probe", "test probe", {}, [](const SpecArgs&) {
                                   return std::unique_ptr<OnlineObjective>(
                                       std::make_unique<ReferenceOpponentProbe>());
                                 }});
  }
  Models m;
  OnlinePreferenceOptions options;
  options.objective = "reference_opponent_probe";
  OnlinePreferenceTrainer trainer = Make(m, options);
  const MetricList metrics = trainer.Iterate();
  EXPECT_EQ(metrics[0], (std::pair<std::string, double>{"opponents", 3}));
  EXPECT_EQ(metrics[1], (std::pair<std::string, double>{"prompts", 2}));
  EXPECT_GE(metrics[2].second, 0.0);
  EXPECT_LE(metrics[2].second, 1.0);
}

TEST_F(OnlinePreferenceTrainerTest, NashMdSamplesItsOpponentFromTheMixture) {
  Models m;
  OnlinePreferenceOptions options;
  options.objective = "nash_md(beta=0.1, mixture_coef=0.5)";
  OnlinePreferenceTrainer trainer = Make(m, options);
  const MetricList metrics = trainer.Iterate();
  for (const auto& [name, value] : metrics) EXPECT_TRUE(std::isfinite(value)) << name;
  bool judged_against_opponent = false;
  for (const auto& [name, value] : metrics) {
    judged_against_opponent |= name == "judge/opponent_win_rate" && value >= 0 && value <= 1;
  }
  EXPECT_TRUE(judged_against_opponent);
}

TEST_F(OnlinePreferenceTrainerTest, GroupSmallerThanTheObjectiveAsksIsRefusedByKey) {
  Models m;
  OnlinePreferenceOptions options;
  options.group_size = 1;
  const std::string error = testing::ErrorOf([&] { Make(m, options); });
  EXPECT_NE(error.find("group_size must be at least 2"), std::string::npos) << error;
}

}  // namespace
}  // namespace rlab::prefopt
