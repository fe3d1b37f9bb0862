// The implicit process reward sources on a tiny model and two hand-made completions of one
// prompt: prime starts from the reference, so every token's reward is 0; implicit(path=DIR)
// pays beta times the log-ratio of a saved model to the reference on each token, and per=step
// puts each step's sum of those on its last token (the tail with the last step), keeping the
// sequence's sum; PRIME's first cross-entropy is log 2 and its updates raise the completion
// labelled right above the one labelled wrong, and its state restored from a checkpoint scores
// alike; OPRL's trajectory-level DPO pairs completions of one prompt only and learns their
// outcome order; bad keys and outcomes name what to fix.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "rlab/core/checkpoint.h"
#include "rlab/models/generation/completion_logprobs.h"
#include "rlab/models/transformer/language_model.h"
#include "rlab/reward/signal/process_reward_source.h"
#include "rlab/text/step_truth.h"
#include "rlab/text/text_task.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

// Steps split on ';'.
class SemicolonStepTruth : public data::StepTruth {
 public:
  std::string Delimiter() const override { return ";"; }
  std::vector<std::string> SplitSteps(std::string_view completion) const override {
    std::vector<std::string> steps;
    std::size_t begin = 0;
    while (begin < completion.size()) {
      const std::size_t end = std::min(completion.find(';', begin), completion.size());
      if (end > begin) steps.emplace_back(completion.substr(begin, end - begin));
      begin = end + 1;
    }
    return steps;
  }
  std::vector<std::size_t> StepEnds(std::string_view completion) const override {
    std::vector<std::size_t> ends;
    std::size_t begin = 0;
    for (const std::string& step : SplitSteps(completion)) {
      begin = completion.find(step, begin) + step.size();
      ends.push_back(begin);
    }
    return ends;
  }
  std::vector<bool> StepLabels(std::string_view, std::string_view completion) const override {
    return std::vector<bool>(SplitSteps(completion).size(), true);
  }
};

class SemicolonStepTask : public data::TextTask {
 public:
  data::TaskExample Sample(Rng&, data::TaskSplit) const override { return {"p", "c"}; }
  std::string SampleResponse(std::string_view, Rng&) const override { return ""; }
  double GoldReward(std::string_view, std::string_view) const override { return 0; }
  const data::StepTruth* Steps() const override { return &steps_; }
  std::string MetricName() const override { return "exact_match"; }
  double EvalTemperature() const override { return 0; }
  int64_t MaxCompletionChars() const override { return 16; }
  std::string Describe() const override { return "stepped"; }

 private:
  SemicolonStepTruth steps_;
};

class ImplicitProcessRewardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reference_.model->eval();
    for (auto& p : reference_.model->parameters()) p.set_requires_grad(false);
    context_ = {&task_, reference_.tokenizer.get(), reference_.model, 1.0, 5};
    const auto& tok = *reference_.tokenizer;
    std::vector<std::vector<int64_t>> prompts;
    for (const std::string& p : prompts_) prompts.push_back(tok.Encode(p));
    out_.prompts = models::LeftPad(prompts, 0);
    const int64_t n = static_cast<int64_t>(completions_.size()), width = 12;
    out_.tokens = torch::zeros({n, width}, torch::kInt64);
    out_.mask = torch::zeros({n, width}, torch::kInt64);
    out_.logprobs = torch::zeros({n, width});
    for (int64_t i = 0; i < n; ++i) {
      const std::vector<int64_t> ids = tok.Encode(completions_[i]);
      for (std::size_t t = 0; t < ids.size(); ++t) {
        out_.tokens[i][t] = ids[t];
        out_.mask[i][t] = 1;
      }
    }
  }

  std::unique_ptr<ProcessRewardSource> Make(const std::string& spec) {
    return MakeProcessRewardSource(spec, context_);
  }
  ProcessRewardBatch Batch() const { return {prompts_, completions_, out_}; }
  // [N]: each completion's summed reward.
  torch::Tensor Sums(ProcessRewardSource& source) const {
    return source.Score(Batch()).rewards.sum(1);
  }

  models::LanguageModel reference_ = models::OpenLanguageModel("preset:tiny", 3);
  SemicolonStepTask task_;
  ProcessRewardContext context_;
  std::vector<std::string> prompts_{"1+2*3=", "1+2*3="};
  // 11 and 12 tokens: steps end on tokens 4 and 10 (and 11 in the second: a trailing ';').
  std::vector<std::string> completions_{"1+2=3;3*3=9", "1+2=3;3*3=8;"};
  models::GenerationOutput out_;
};

TEST_F(ImplicitProcessRewardsTest, PrimeStartsFromTheReferenceSoEveryTokensRewardIsZero) {
  const ProcessRewards r = Make("prime")->Score(Batch());
  EXPECT_TRUE(torch::equal(r.rewards, torch::zeros_like(r.rewards)));
  EXPECT_TRUE(torch::equal(r.positions, out_.mask.to(torch::kBool)));
}

TEST_F(ImplicitProcessRewardsTest, ImplicitPaysBetaTimesTheLogRatioOfASavedModelPerToken) {
  const testing::ScratchDir dir("implicit_process_reward");
  models::LanguageModel other = models::OpenLanguageModel("preset:tiny", 4);
  models::SaveLanguageModel(other, dir.path());
  const ProcessRewards r =
      Make("implicit(path=" + dir.path().string() + ", beta=0.5)")->Score(Batch());
  torch::NoGradGuard no_grad;
  const torch::Tensor want = 0.5 *
                             (models::CompletionLogProbs(other.model, out_) -
                              models::CompletionLogProbs(reference_.model, out_)) *
                             out_.mask;
  EXPECT_TRUE(torch::allclose(r.rewards, want, 1e-5, 1e-6));
  EXPECT_GT(want.abs().sum().item<double>(), 0.1);

  const ProcessRewards steps =
      Make("implicit(path=" + dir.path().string() + ", beta=0.5, per=step)")->Score(Batch());
  EXPECT_TRUE(torch::allclose(steps.rewards.sum(1), want.sum(1), 1e-5, 1e-5));
  // Row 0: the first step is tokens 0..4, the second 5..10 (its ';' included).
  EXPECT_TRUE(steps.positions[0][4].item<bool>() && steps.positions[0][10].item<bool>());
  EXPECT_EQ(steps.positions[0].sum().item<int64_t>(), 2);
  EXPECT_NEAR(steps.rewards[0][4].item<double>(), want[0].slice(0, 0, 5).sum().item<double>(),
              1e-5);
  // Row 1: the trailing ';' (token 11) joins the last step, which ends on token 10.
  EXPECT_EQ(steps.positions[1].sum().item<int64_t>(), 2);
  EXPECT_NEAR(steps.rewards[1][10].item<double>(), want[1].slice(0, 5, 12).sum().item<double>(),
              1e-5);
}

TEST_F(ImplicitProcessRewardsTest, PrimeLearnsToRankTheCompletionLabelledRightAbove) {
  const auto prime = Make("prime(beta=0.5, lr=1e-3)");
  const torch::Tensor labels = torch::tensor({1.0f, 0.0f});
  const MetricList first = prime->Learn(Batch(), labels);
  ASSERT_EQ(first.front().first, "prime/loss");
  EXPECT_NEAR(first.front().second, std::log(2.0), 1e-6);  // r = 0: sigma(0) = 1/2 for both
  double loss = first.front().second;
  for (int i = 0; i < 5; ++i) loss = prime->Learn(Batch(), labels).front().second;
  EXPECT_LT(loss, 0.5);
  const torch::Tensor sums = Sums(*prime);
  EXPECT_GT(sums[0].item<double>(), 0);
  EXPECT_LT(sums[1].item<double>(), 0);
}

TEST_F(ImplicitProcessRewardsTest, PrimeRestoredFromACheckpointScoresAlike) {
  const testing::ScratchDir dir("prime_checkpoint");
  const auto trained = Make("prime(lr=1e-3)");
  trained->Learn(Batch(), torch::tensor({1.0f, 0.0f}));
  CheckpointState saved;
  trained->AddState(saved);
  saved.Save(dir / "state.pt", {{"step", 1}});
  const auto restored = Make("prime(lr=1e-3)");
  CheckpointState loading;
  restored->AddState(loading);
  loading.Load(dir / "state.pt");
  EXPECT_TRUE(torch::equal(Sums(*trained), Sums(*restored)));
  // And they go on alike: the optimiser's moments came back too.
  trained->Learn(Batch(), torch::tensor({1.0f, 0.0f}));
  restored->Learn(Batch(), torch::tensor({1.0f, 0.0f}));
  EXPECT_TRUE(torch::equal(Sums(*trained), Sums(*restored)));
}

TEST_F(ImplicitProcessRewardsTest, OprlPairsCompletionsOfOnePromptByOutcomeAndLearnsTheOrder) {
  const auto oprl = Make("oprl(beta=0.5, lr=1e-3)");
  const MetricList first = oprl->Learn(Batch(), torch::tensor({0.0f, 1.0f}));
  EXPECT_EQ(first.back(), (std::pair<std::string, double>{"oprl/pairs", 1.0}));
  EXPECT_NEAR(first.front().second, std::log(2.0), 1e-6);
  for (int i = 0; i < 5; ++i) oprl->Learn(Batch(), torch::tensor({0.0f, 1.0f}));
  const torch::Tensor sums = Sums(*oprl);
  EXPECT_GT(sums[1].item<double>(), sums[0].item<double>());

  // Two prompts: no pair, nothing learnt.
  prompts_ = {"1+2*3=", "2+2*3="};
  const auto apart = Make("oprl");
  EXPECT_EQ(apart->Learn(Batch(), torch::tensor({0.0f, 1.0f})).back().second, 0.0);
  const torch::Tensor untouched = apart->Score(Batch()).rewards;
  EXPECT_TRUE(torch::equal(untouched, torch::zeros_like(untouched)));
}

TEST_F(ImplicitProcessRewardsTest, BadKeysAndOutcomesSayWhatToFix) {
  using testing::Contains, testing::ErrorOf;
  EXPECT_TRUE(Contains(ErrorOf([&] {
                         Make("prime")->Learn(Batch(), torch::tensor({2.0f, 0.0f}));
                       }),
                       "[0, 1]"));
  EXPECT_TRUE(Contains(ErrorOf([&] { Make("implicit(path=/no/such/dir)"); }), "model directory"));
  EXPECT_TRUE(Contains(ErrorOf([&] { Make("prime(beta=0)"); }), "'beta'"));
  EXPECT_TRUE(Contains(ErrorOf([&] { Make("oprl(per=word)"); }), "token or step"));
  context_.task = nullptr;
  EXPECT_TRUE(Contains(ErrorOf([&] { Make("prime(per=step)"); }), "task with steps"));
}

}  // namespace
}  // namespace rlab::reward
