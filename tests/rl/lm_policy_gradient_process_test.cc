// The rl trainer with a process reward source (a fake one registered here: it pays every
// second completion token and counts the batches it learned from in checkpointed state):
// process metrics follow the outcome metrics, the source learns once per step and its state
// rides in the trainer's checkpoint; process rewards of zero train exactly as outcome rewards
// alone; ppo with a process source and unknown sources are refused with the valid choices.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "rlab/models/transformer/language_model.h"
#include "rlab/rl/lm_policy_gradient_trainer.h"
#include "rlab/rl/process_reward_metrics.h"
#include "rlab/text/text_task.h"
#include "lm_trainer_fixture.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

// Pays `reward` on every second completion token; Learn counts its calls in a checkpointed
// tensor.
class EverySecondToken : public reward::ProcessRewardSource {
 public:
  explicit EverySecondToken(double reward) : reward_(reward) {}
  reward::ProcessRewards Score(const reward::ProcessRewardBatch& batch) const override {
    const torch::Tensor mask = batch.out.mask.to(torch::kBool);  // [N, T]
    const int64_t width = mask.size(1);
    const torch::Tensor odd = (torch::arange(width) % 2 == 1).unsqueeze(0);
    const torch::Tensor positions = mask & odd;
    return {positions.to(torch::kFloat32) * reward_, positions};
  }
  MetricList Learn(const reward::ProcessRewardBatch&, const torch::Tensor& outcome) override {
    learned_ += 1;
    return {{"fake/learned", learned_.item<double>()},
            {"fake/outcome_rows", static_cast<double>(outcome.size(0))}};
  }
  void AddState(CheckpointState& state) const override { state.AddTensor("fake", learned_); }
  std::string Describe() const override { return "every_second_token"; }

 private:
  double reward_;
  torch::Tensor learned_ = torch::zeros({1});
};

void RegisterFake() {
  static bool done = false;
  if (std::exchange(done, true)) return;
  reward::RegisterProcessRewardSources();
  reward::ProcessRewardSources().Register(
      {"fake_every_second",
       "test source",
       {{"reward", "1", "paid per token"}},
       [](const SpecArgs& a, const reward::ProcessRewardContext& c) {
         EXPECT_TRUE(c.task && c.tokenizer && c.reference);
         return std::make_unique<EverySecondToken>(a.Get<double>("reward"));
       }});
}

class ProcessTrainerTest : public ::testing::Test {
 protected:
  models::LanguageModel policy_ = models::OpenLanguageModel("preset:tiny", 3);
  models::LanguageModel reference_ = models::OpenLanguageModel("preset:tiny", 3);
  std::unique_ptr<data::TextTask> task_ = data::MakeTextTask("arithmetic(digits=1)");
  reward::TextRewardSource rewards_{{"exact_match"}, {}};

  void SetUp() override { RegisterFake(); }

  LmPolicyGradientTrainer Make(LmPolicyGradientOptions options, models::Transformer policy) {
    return MakeTinyLmTrainer(
        options, {policy, reference_.model, task_.get(), policy_.tokenizer.get(), &rewards_}, 6);
  }
};

LmPolicyGradientOptions WithProcess(std::string spec, std::string credit = "sum") {
  LmPolicyGradientOptions options;
  options.group_size = 3;
  options.process_reward = std::move(spec);
  options.credit = std::move(credit);
  return options;
}

TEST_F(ProcessTrainerTest, ProcessMetricsFollowTheOutcomeOnesAndTheSourceLearnsEachStep) {
  LmPolicyGradientTrainer trainer = Make(WithProcess("fake_every_second", "pure"), policy_.model);
  LmPolicyGradientTrainer plain = Make(LmPolicyGradientOptions{}, reference_.model);
  EXPECT_NE(trainer.Describe().find("credit pure"), std::string::npos) << trainer.Describe();
  EXPECT_EQ(plain.Describe().find("credit"), std::string::npos);
  for (int step = 1; step <= 2; ++step) {
    const MetricList m = trainer.Iterate().metrics;
    ASSERT_EQ(m.size(), 17u + 4u);  // arithmetic has no steps: no process_degenerate
    EXPECT_EQ(m[16].first, "rollout_tokens_per_second");
    EXPECT_EQ(m[17].first, "process_reward");
    EXPECT_NEAR(m[17].second, 1.0, 1e-9);
    EXPECT_EQ(m[18].first, "process_steps");
    EXPECT_EQ(m[19], (std::pair<std::string, double>{"fake/learned", step}));
    EXPECT_EQ(m[20], (std::pair<std::string, double>{"fake/outcome_rows", 6}));
  }
}

TEST_F(ProcessTrainerTest, LearningSourceStateRidesInTheCheckpoint) {
  LmPolicyGradientTrainer trainer = Make(WithProcess("fake_every_second"), policy_.model);
  trainer.Iterate();
  CheckpointState state;
  trainer.AddState(state);
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "rlab_process_trainer_test.ckpt";
  state.Save(file, trainer.Counters());
  trainer.Iterate();  // learned twice now
  state.Load(file);
  EXPECT_EQ(trainer.Iterate().metrics[19].second, 2.0);  // restored to 1, then learned again
  std::filesystem::remove(file);
}

TEST_F(ProcessTrainerTest, ZeroProcessRewardsTrainExactlyAsOutcomeRewardsAlone) {
  models::LanguageModel twin = models::OpenLanguageModel("preset:tiny", 3);
  LmPolicyGradientTrainer with = Make(WithProcess("fake_every_second(reward=0)"), policy_.model);
  LmPolicyGradientOptions plain_options;
  plain_options.group_size = 3;
  LmPolicyGradientTrainer without = Make(plain_options, twin.model);
  with.Iterate();
  without.Iterate();
  const auto a = policy_.model->parameters(), b = twin.model->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::allclose(a[i], b[i])) << i;
}

TEST_F(ProcessTrainerTest, RefusesPpoAndUnknownSources) {
  LmPolicyGradientOptions ppo = WithProcess("fake_every_second");
  ppo.algo = "ppo";
  ppo.group_size = 1;
  EXPECT_NE(testing::ErrorOf([&] { ppo.Validate(); }).find("critic-free"), std::string::npos);
  const std::string unknown = testing::ErrorOf([&] { WithProcess("oracle").Validate(); });
  EXPECT_NE(unknown.find("fake_every_second"), std::string::npos) << unknown;
  const std::string credit =
      testing::ErrorOf([&] { WithProcess("fake_every_second", "median").Validate(); });
  EXPECT_NE(credit.find("pure"), std::string::npos) << credit;
}

// Steps split on ';' (ends and labels unused here).
class SemicolonSteps : public data::StepTruth {
 public:
  std::string Delimiter() const override { return ";"; }
  std::vector<std::string> SplitSteps(std::string_view c) const override {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < c.size()) {
      const std::size_t end = std::min(c.find(';', start), c.size());
      out.emplace_back(c.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }
  std::vector<std::size_t> StepEnds(std::string_view) const override { return {}; }
  std::vector<bool> StepLabels(std::string_view, std::string_view) const override { return {}; }
};

TEST(ProcessRewardMetrics, DegenerateCompletionsRepeatAStepOrWriteMoreThanTheReference) {
  const SemicolonSteps steps;
  const std::optional<std::string> reference = "1+1=2;2+1=3";
  EXPECT_FALSE(IsDegenerate(steps, "1+1=2;2+1=4", reference));       // wrong, not degenerate
  EXPECT_TRUE(IsDegenerate(steps, "1+1=2;1+1=2", reference));        // a repeated step
  EXPECT_TRUE(IsDegenerate(steps, "1+1=2;2+1=3;3+0=3", reference));  // padded
  EXPECT_FALSE(IsDegenerate(steps, "1+1=2;2+1=3;3+0=3", std::nullopt));
}

}  // namespace
}  // namespace rlab::rl
