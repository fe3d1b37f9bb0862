// The process rewards gold and gameable on task:chain: gold pays 1 per step while the chain is
// still right, gameable also pays its wrong_step_reward for a wrong step of the task's form
// (and nothing for other text), each on the step's last token.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/chain_task.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

// Prompt 2+3*2= (left to right: 5, then 10); completions: right, wrong at the second step,
// wrong and padded with a well-formed wrong step and one that is not a step at all.
struct ChainBatch {
  data::ChainTask task{{.steps = 2, .digits = 1, .ops = "+*"}};
  models::ByteTokenizer bytes;
  std::vector<std::string> prompts = {"2+3*2=", "2+3*2=", "2+3*2="};
  std::vector<std::string> completions = {"2+3=5;5*2=10", "2+3=5;5*2=11", "2+3=6;6*2=12;12+1=9;ok"};
  models::GenerationOutput out;

  ChainBatch() {
    out.tokens = torch::zeros({3, 24}, torch::kInt64);
    out.mask = torch::zeros({3, 24}, torch::kInt64);
    for (int64_t i = 0; i < 3; ++i) {
      const auto ids = bytes.Encode(completions[i]);
      for (std::size_t t = 0; t < ids.size(); ++t) out.tokens[i][t] = ids[t], out.mask[i][t] = 1;
    }
  }
  ProcessRewards Score(const std::string& spec) const {
    ProcessRewardContext context;
    context.task = &task;
    context.tokenizer = &bytes;
    return MakeProcessRewardSource(spec, context)->Score({prompts, completions, out});
  }
};

// The rewards of row i at its step ends, in order.
std::vector<double> StepRewardsOf(const ProcessRewards& r, int64_t i) {
  std::vector<double> values;
  for (int64_t t = 0; t < r.positions.size(1); ++t) {
    if (r.positions[i][t].item<bool>()) values.push_back(r.rewards[i][t].item<double>());
  }
  return values;
}

TEST(TaskStepLabelRewards, GoldPaysOnePerStepWhileTheChainIsRight) {
  const ChainBatch b;
  const ProcessRewards r = b.Score("gold");
  EXPECT_EQ(StepRewardsOf(r, 0), (std::vector<double>{1, 1}));
  EXPECT_EQ(StepRewardsOf(r, 1), (std::vector<double>{1, 0}));
  EXPECT_EQ(StepRewardsOf(r, 2), (std::vector<double>{0, 0, 0, 0}));
  // The first step of "2+3=5;..." ends on its fifth byte.
  EXPECT_TRUE(r.positions[0][4].item<bool>());
}

TEST(TaskStepLabelRewards, GameablePaysWellFormedWrongStepsAndNothingForOtherText) {
  const ChainBatch b;
  const ProcessRewards r = b.Score("gameable(wrong_step_reward=0.25)");
  EXPECT_EQ(StepRewardsOf(r, 0), (std::vector<double>{1, 1}));
  EXPECT_EQ(StepRewardsOf(r, 1), (std::vector<double>{1, 0.25}));
  // Padding with a well-formed step earns more; the word "ok" earns nothing.
  EXPECT_EQ(StepRewardsOf(r, 2), (std::vector<double>{0.25, 0.25, 0.25, 0}));
}

TEST(TaskStepLabelRewards, GameableRefusesARewardOutsideZeroToOne) {
  const ChainBatch b;
  const std::string error = testing::ErrorOf([&] { b.Score("gameable(wrong_step_reward=2)"); });
  EXPECT_TRUE(testing::Contains(error, "wrong_step_reward must be in [0, 1]")) << error;
}

}  // namespace
}  // namespace rlab::reward
