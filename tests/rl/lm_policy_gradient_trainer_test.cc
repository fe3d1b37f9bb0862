// The language-model policy-gradient trainer on a tiny model: two iterations of GRPO and of
// PPO give finite metrics in the logged order, advance the step, move the policy, and keep
// their state (the critic for PPO) and counters for checkpoints; best-of-N does not iterate.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/text/text_task.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/rl/lm_policy_gradient_trainer.h"
#include "lm_trainer_fixture.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

class LmPolicyGradientTrainerTest : public ::testing::Test {
 protected:
  models::LanguageModel policy_ = models::OpenLanguageModel("preset:tiny", 3);
  models::LanguageModel reference_ = models::OpenLanguageModel("preset:tiny", 3);
  std::unique_ptr<data::TextTask> task_ = data::MakeTextTask("arithmetic(digits=1)");
  reward::TextRewardSource rewards_{{"exact_match"}, {}};

  LmPolicyGradientTrainer Make(LmPolicyGradientOptions options) {
    return MakeTinyLmTrainer(
        options, {policy_.model, reference_.model, task_.get(), policy_.tokenizer.get(), &rewards_},
        4);
  }
};

void ExpectFiniteTrainerMetrics(const MetricList& metrics) {
  for (const auto& [name, value] : metrics) EXPECT_TRUE(std::isfinite(value)) << name;
}

TEST_F(LmPolicyGradientTrainerTest, GrpoTakesTwoSteps) {
  LmPolicyGradientOptions options;
  options.group_size = 3;
  LmPolicyGradientTrainer trainer = Make(options);
  const torch::Tensor before = policy_.model->parameters().front().clone();
  for (int i = 0; i < 2; ++i) {
    const LmPolicyGradientIteration it = trainer.Iterate();
    ExpectFiniteTrainerMetrics(it.metrics);
    ASSERT_GE(it.metrics.size(), 17u);
    EXPECT_EQ(it.metrics.front().first, "reward");
    EXPECT_EQ(it.metrics[11].first, "gold_" + task_->MetricName());
    EXPECT_EQ(it.metrics.back().first, "rollout_tokens_per_second");
    EXPECT_EQ(it.reward, it.metrics.front().second);
  }
  EXPECT_EQ(trainer.step(), 2);
  EXPECT_EQ(trainer.timings().iterations, 2);
  EXPECT_FALSE(torch::equal(before, policy_.model->parameters().front()));
  const nlohmann::json counters = trainer.Counters();
  EXPECT_EQ(counters["step"].get<int64_t>(), 2);
  EXPECT_TRUE(counters.contains("kl_beta"));
}

TEST_F(LmPolicyGradientTrainerTest, PpoTrainsACriticAndRestoresItsCounters) {
  LmPolicyGradientOptions options;
  options.algo = "ppo";
  options.group_size = 1;
  options.kl_penalty = "reward";
  options.kl_controller = "fixed(beta=0.05)";
  LmPolicyGradientTrainer trainer = Make(options);
  EXPECT_TRUE(trainer.algorithm().trains_critic);
  for (int i = 0; i < 2; ++i) {
    const LmPolicyGradientIteration it = trainer.Iterate();
    ExpectFiniteTrainerMetrics(it.metrics);
    EXPECT_EQ(it.metrics.back().first, "value_loss");
  }
  CheckpointState state;
  trainer.AddState(state);  // model, critic, optimizer
  nlohmann::json counters = trainer.Counters();
  counters["step"] = 1;
  trainer.RestoreCounters(counters);
  EXPECT_EQ(trainer.step(), 1);
}

TEST_F(LmPolicyGradientTrainerTest, BestOfNDoesNotIterate) {
  LmPolicyGradientOptions options;
  options.algo = "bon";
  LmPolicyGradientTrainer trainer = Make(options);
  EXPECT_NE(testing::ErrorOf([&] { trainer.Iterate(); }).find("does not train"), std::string::npos);
}

}  // namespace
}  // namespace rlab::rl
