// The process reward source prm(path=DIR): each step of a completion (as the task's step truth
// splits it) is paid the process reward model's P(still right) minus the baseline, on the
// step's last token; a model that learnt another step delimiter than the task's is refused.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/reward/model/process_reward_model.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "reward/small_llama_config.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

// Steps split on ';', all labelled right; only what the source reads is real.
class SemicolonSteps : public data::TextTask, public data::StepTruth {
 public:
  data::TaskExample Sample(Rng&, data::TaskSplit) const override { return {"q", "a"}; }
  std::string SampleResponse(std::string_view, Rng&) const override { return "a"; }
  double GoldReward(std::string_view, std::string_view) const override { return 0.0; }
  const data::StepTruth* Steps() const override { return this; }
  std::string MetricName() const override { return "exact_match"; }
  double EvalTemperature() const override { return 0.0; }
  int64_t MaxCompletionChars() const override { return 32; }
  std::string Describe() const override { return "semicolon steps"; }
  std::string Delimiter() const override { return ";"; }
  std::vector<std::string> SplitSteps(std::string_view c) const override {
    std::vector<std::string> steps;
    std::size_t start = 0;
    for (const std::size_t end : StepEnds(c)) {
      steps.emplace_back(c.substr(start, end - start));
      start = end + 1;
    }
    return steps;
  }
  std::vector<std::size_t> StepEnds(std::string_view c) const override {
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c[i] == ';') ends.push_back(i);
    }
    if (!c.empty() && c.back() != ';') ends.push_back(c.size());
    return ends;
  }
  std::vector<bool> StepLabels(std::string_view, std::string_view c) const override {
    return std::vector<bool>(StepEnds(c).size(), true);
  }
};

models::SequenceRewardModel SmallPrm() {
  const models::TransformerConfig c =
      testing::SmallLlamaConfig(models::ByteTokenizer().vocab_size(), 64);
  torch::manual_seed(5);
  models::SequenceRewardModel m(c);
  m->eval();
  return m;
}

TEST(PrmProcessReward, PaysEachStepItsProbabilityMinusBaselineOnItsLastToken) {
  testing::ScratchDir dir("prm_source");
  models::ByteTokenizer bytes;
  SaveProcessRewardModelDir(SmallPrm(), {";", "step"}, &bytes, {}, dir.path());
  SemicolonSteps task;
  ProcessRewardContext context;
  context.task = &task;
  context.tokenizer = &bytes;
  const auto source = MakeProcessRewardSource(
      fmt::format("prm(path={},baseline=0.5)", dir.path().string()), context);
  const std::vector<std::string> prompts = {"1+2*2=", "4-1="};
  const std::vector<std::string> completions = {"1+2=3;3*2=6", "4-1=3"};
  models::GenerationOutput out;
  out.tokens = torch::zeros({2, 11}, torch::kInt64);
  out.mask = torch::zeros({2, 11}, torch::kInt64);
  for (int64_t i = 0; i < 2; ++i) {
    const auto ids = bytes.Encode(completions[i]);
    for (std::size_t t = 0; t < ids.size(); ++t) out.tokens[i][t] = ids[t], out.mask[i][t] = 1;
  }
  const ProcessRewards r = source->Score({prompts, completions, out});
  const auto p =
      LoadProcessRewardModel(dir.path()).StepProbabilities(prompts, completions, {{5, 11}, {5}});
  EXPECT_EQ(r.positions.sum().item<int64_t>(), 3);
  EXPECT_TRUE(r.positions[0][4].item<bool>() && r.positions[0][10].item<bool>());
  EXPECT_TRUE(r.positions[1][4].item<bool>());
  EXPECT_NEAR(r.rewards[0][4].item<double>(), p[0][0] - 0.5, 1e-6);
  EXPECT_NEAR(r.rewards[0][10].item<double>(), p[0][1] - 0.5, 1e-6);
  EXPECT_NEAR(r.rewards[1][4].item<double>(), p[1][0] - 0.5, 1e-6);
  EXPECT_NEAR(r.rewards.sum().item<double>(), p[0][0] + p[0][1] + p[1][0] - 1.5, 1e-5);
}

TEST(PrmProcessReward, RefusesAModelThatLearntAnotherDelimiter) {
  testing::ScratchDir dir("prm_source_delimiter");
  models::ByteTokenizer bytes;
  SaveProcessRewardModelDir(SmallPrm(), {"\n", "step"}, &bytes, {}, dir.path());
  SemicolonSteps task;
  ProcessRewardContext context;
  context.task = &task;
  context.tokenizer = &bytes;
  const std::string error = testing::ErrorOf(
      [&] { MakeProcessRewardSource(fmt::format("prm(path={})", dir.path().string()), context); });
  EXPECT_TRUE(testing::Contains(error, "splits them by ';'")) << error;
}

}  // namespace
}  // namespace rlab::reward
