// The search decoders' registry and their shared contracts on a random policy and a fake task
// with steps: an unknown decoder lists the valid ones; step scores are read per step from a
// process reward source; best-of-1 answers what one sample answers at the same seed; ReST-MCTS*
// answers one of the finished traces it returns, spends what it reports and estimates step
// values only where an answer lies below.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "../models/transformer/tiny_configs.h"
#include "rlab/core/check.h"
#include "rlab/search/search_decoder.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "test_support.h"

namespace rlab::search::search_decoder_test {
namespace {

// Steps split on ";".
class SemicolonSteps : public data::StepTruth {
 public:
  std::string Delimiter() const override { return ";"; }
  std::vector<std::string> SplitSteps(std::string_view completion) const override {
    std::vector<std::string> steps;
    std::size_t start = 0;
    while (start < completion.size()) {
      const std::size_t end = std::min(completion.find(';', start), completion.size());
      steps.emplace_back(completion.substr(start, end - start));
      start = end + 1;
    }
    return steps;
  }
  std::vector<std::size_t> StepEnds(std::string_view completion) const override {
    std::vector<std::size_t> ends;
    std::size_t at = 0;
    for (const std::string& s : SplitSteps(completion)) ends.push_back(at += s.size()), ++at;
    return ends;
  }
  std::vector<bool> StepLabels(std::string_view, std::string_view completion) const override {
    std::vector<bool> labels;
    bool right = true;
    for (const std::string& s : SplitSteps(completion)) labels.push_back(right = right && s == "a");
    return labels;
  }
};

// Prompts "p"; the right answer is "a;a".
class FakeStepTask : public data::TextTask {
 public:
  data::TaskExample Sample(Rng&, data::TaskSplit) const override { return {"p", "a;a"}; }
  std::string SampleResponse(std::string_view, Rng&) const override { return "a;a"; }
  double GoldReward(std::string_view, std::string_view c) const override { return c == "a;a"; }
  const data::StepTruth* Steps() const override { return &steps_; }
  std::string MetricName() const override { return "exact_match"; }
  double EvalTemperature() const override { return 1.0; }
  int64_t MaxCompletionChars() const override { return 8; }
  std::string Describe() const override { return "fake steps"; }

 private:
  SemicolonSteps steps_;
};

// Each step scores its length.
class StepLength : public reward::ProcessRewardSource {
 public:
  StepLength(const data::StepTruth& steps, const models::Tokenizer& tokenizer)
      : steps_(steps), tokenizer_(tokenizer) {}
  reward::ProcessRewards Score(const reward::ProcessRewardBatch& batch) const override {
    std::vector<std::vector<double>> scores;
    for (const std::string& c : batch.completions) {
      scores.emplace_back();
      for (const std::string& s : steps_.SplitSteps(c)) scores.back().push_back(double(s.size()));
    }
    return reward::PlaceStepRewards(batch, tokenizer_, steps_, scores);
  }
  std::string Describe() const override { return "step length"; }

 private:
  const data::StepTruth& steps_;
  const models::Tokenizer& tokenizer_;
};

struct Fixture {
  Fixture() : scorer(*task.Steps(), tokenizer) {
    models::TransformerConfig config = models::testing::TinyGpt2();
    config.vocab_size = tokenizer.vocab_size();
    torch::manual_seed(2);
    context.policy = models::Transformer(config);
    context.policy->eval();
    context.tokenizer = &tokenizer;
    context.task = &task;
    context.scorer = &scorer;
    context.generation.max_new_tokens = 8;
    context.generation.stop_token_ids = {*tokenizer.eos_id()};
    context.generation.pad_token_id = *tokenizer.pad_id();
  }
  models::ByteTokenizer tokenizer;
  FakeStepTask task;
  StepLength scorer;
  SearchContext context;
};

TEST(SearchDecoders, AnUnknownNameListsTheValidOnes) {
  Fixture f;
  const std::string error = testing::ErrorOf([&] { MakeSearchDecoder("beam", f.context); });
  for (const char* name : {"sample", "best_of_n", "rest_mcts", "vas"}) {
    EXPECT_TRUE(testing::Contains(error, name)) << error;
  }
}

TEST(SearchDecoders, ScoreStepsReadsEachStepsScore) {
  Fixture f;
  const auto scores = ScoreSteps(f.context, {"p", "p", "p"}, {"ab;c", "abc;de;", ""});
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0], (std::vector<double>{2, 1}));
  EXPECT_EQ(scores[1], (std::vector<double>{3, 2}));
  EXPECT_TRUE(scores[2].empty());
}

TEST(SearchDecoders, BestOfOneAnswersWhatOneSampleAnswers) {
  Fixture f;
  at::Generator g1 = models::MakeGenerator(4), g2 = models::MakeGenerator(4);
  const std::vector<std::string> prompts = {"p", "p", "p"};
  const SearchOutput one = MakeSearchDecoder("sample", f.context)->Decode(prompts, g1);
  const SearchOutput best = MakeSearchDecoder("best_of_n(n=1)", f.context)->Decode(prompts, g2);
  EXPECT_EQ(one.completions, best.completions);
  EXPECT_EQ(one.policy_tokens, best.policy_tokens);
  EXPECT_EQ(best.scored, 3);
}

TEST(SearchDecoders, RestMctsAnswersOneOfItsFinishedTraces) {
  Fixture f;
  at::Generator g = models::MakeGenerator(6);
  const SearchOutput out =
      MakeSearchDecoder("rest_mcts(rollouts=6, width=2)", f.context)->Decode({"p", "p"}, g);
  ASSERT_EQ(out.completions.size(), 2u);
  ASSERT_EQ(out.traces.size(), 2u);
  for (std::size_t p = 0; p < 2; ++p) {
    const auto& traces = out.traces[p];
    EXPECT_NE(std::find(traces.begin(), traces.end(), out.completions[p]), traces.end());
    for (const StepValue& v : out.step_values[p]) {
      EXPECT_TRUE(v.monte_carlo >= 0 && v.monte_carlo <= 1);
      EXPECT_TRUE(v.quality >= 0 && v.quality <= 1);
    }
  }
  EXPECT_GT(out.policy_tokens, 0);
  EXPECT_GE(out.scored, 2);
  EXPECT_THROW(MakeSearchDecoder("rest_mcts(width=0)", f.context), Error);
}

}  // namespace
}  // namespace rlab::search::search_decoder_test
