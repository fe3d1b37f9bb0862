// SALT and SPA credits on hand-computed batches: SALT gives a step every completion of the
// group shares the mean of their outcome advantages (0 for centred ones), a step one
// completion takes alone its own advantage, merges equal steps at one position under
// merge=step but only equal histories under merge=prefix, keeps groups apart and leaves tokens
// after the last step their own advantage; SPA's fitted contributions add up to an outcome that
// is linear in the step scores, and without scores it splits each outcome's fit evenly over
// the steps.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "rlab/rl/step_credit.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

void ExpectAdvantages(const torch::Tensor& got, int64_t row, const std::vector<double>& want) {
  ASSERT_EQ(got.size(1), static_cast<int64_t>(want.size()));
  for (size_t t = 0; t < want.size(); ++t) {
    EXPECT_NEAR(got[row][t].item<double>(), want[t], 1e-5) << "row " << row << " token " << t;
  }
}

// Rows of token ids, two tokens per step with steps ending on tokens 1 and 3, and a fifth
// token after the last step.
StepCreditInputs TwoStepRows(const std::vector<std::vector<int64_t>>& ids,
                             const std::vector<float>& outcome_advantages, int64_t group) {
  const int64_t n = static_cast<int64_t>(ids.size()), t = 5;
  torch::Tensor tokens = torch::zeros({n, t}, torch::kInt64);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < t; ++j) tokens[i][j] = ids[i][j];
  }
  torch::Tensor positions = torch::zeros({n, t}, torch::kBool);
  positions.index_put_({torch::indexing::Slice(), 1}, true);
  positions.index_put_({torch::indexing::Slice(), 3}, true);
  StepCreditInputs in{torch::zeros({n}),
                      {torch::zeros({n, t}), positions},
                      torch::ones({n, t}),
                      group,
                      torch::tensor(outcome_advantages)};
  in.tokens = tokens;
  return in;
}

TEST(SaltCredit, SharedStepIsNeutralAndADecisiveStepKeepsItsCompletionsAdvantage) {
  // Three completions of one prompt: all start with step (1, 2); the first goes on with
  // (3, 4), the other two with (5, 6).
  const StepCreditInputs in =
      TwoStepRows({{1, 2, 3, 4, 9}, {1, 2, 5, 6, 9}, {1, 2, 5, 6, 9}}, {1.0f, -0.5f, -0.5f}, 3);
  const torch::Tensor a = (*MakeStepCredit("salt"))(in);
  ExpectAdvantages(a, 0, {0, 0, 1.0, 1.0, 1.0});
  ExpectAdvantages(a, 1, {0, 0, -0.5, -0.5, -0.5});
  ExpectAdvantages(a, 2, {0, 0, -0.5, -0.5, -0.5});
}

TEST(SaltCredit, StepMergeJoinsEqualStepsAfterDifferentHistoriesButPrefixMergeDoesNot) {
  // Different first steps, the same second step (5, 6).
  const StepCreditInputs in = TwoStepRows({{1, 2, 5, 6, 9}, {3, 4, 5, 6, 9}}, {1.0f, -1.0f}, 2);
  const torch::Tensor graph = (*MakeStepCredit("salt(merge=step)"))(in);
  ExpectAdvantages(graph, 0, {1, 1, 0, 0, 1});
  ExpectAdvantages(graph, 1, {-1, -1, 0, 0, -1});
  const torch::Tensor tree = (*MakeStepCredit("salt(merge=prefix)"))(in);
  ExpectAdvantages(tree, 0, {1, 1, 1, 1, 1});
  ExpectAdvantages(tree, 1, {-1, -1, -1, -1, -1});
}

TEST(SaltCredit, GroupsStayApartAndMaskedTokensGetNothing) {
  // Two prompts of two completions, all four alike: each group averages only its own.
  StepCreditInputs in = TwoStepRows(
      {{1, 2, 3, 4, 9}, {1, 2, 3, 4, 9}, {1, 2, 3, 4, 9}, {1, 2, 3, 4, 9}}, {1, 0, -2, 0}, 2);
  in.mask[3][4] = 0;
  const torch::Tensor a = (*MakeStepCredit("salt"))(in);
  ExpectAdvantages(a, 0, {0.5, 0.5, 0.5, 0.5, 1});
  ExpectAdvantages(a, 2, {-1, -1, -1, -1, -2});
  ExpectAdvantages(a, 3, {-1, -1, -1, -1, 0});
}

TEST(SaltCredit, WithoutTokensSaysWhatIsMissing) {
  StepCreditInputs in = TwoStepRows({{1, 2, 3, 4, 9}}, {0.0f}, 1);
  in.tokens = torch::Tensor();
  EXPECT_TRUE(testing::Contains(testing::ErrorOf([&] { (*MakeStepCredit("salt"))(in); }),
                                "generated tokens"));
}

TEST(SpaCredit, ContributionsAddUpToAnOutcomeLinearInTheStepScores) {
  // Step scores (1, 0) and (1, 1); outcomes 1 and 2 = the sum of the scores, so the fitted
  // estimator is c = p and the returns are 1, 0 and 2, 1. Outcome advantages -0.5, 0.5; the
  // leave-one-out baselines of the whole returns are 2 and 1.
  StepCreditInputs in = TwoStepRows({{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}, {-0.5f, 0.5f}, 2);
  in.outcome = torch::tensor({1.0f, 2.0f});
  in.process.rewards[0][1] = 1;
  in.process.rewards[1][1] = 1;
  in.process.rewards[1][3] = 1;
  const torch::Tensor a = (*MakeStepCredit("spa"))(in);
  ExpectAdvantages(a, 0, {-0.5 + 1 - 2, -0.5 + 1 - 2, -0.5 + 0 - 2, -0.5 + 0 - 2, -0.5});
  ExpectAdvantages(a, 1, {0.5 + 2 - 1, 0.5 + 2 - 1, 0.5 + 1 - 1, 0.5 + 1 - 1, 0.5});
}

TEST(SpaCredit, WithoutScoresEachStepGetsAnEqualShareOfTheFittedOutcome) {
  // All scores 0: c = b per step with b = sum(K R) / sum(K^2) = (2 + 2 * 3) / 8 = 1, so the
  // returns are 2 and 1 in both rows and the process part cancels against the baseline.
  StepCreditInputs in = TwoStepRows({{0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}}, {-1.0f, 1.0f}, 2);
  in.outcome = torch::tensor({1.0f, 3.0f});
  const torch::Tensor a = (*MakeStepCredit("spa"))(in);
  ExpectAdvantages(a, 0, {-1, -1, -2, -2, -1});
  ExpectAdvantages(a, 1, {1, 1, 0, 0, 1});
}

}  // namespace
}  // namespace rlab::rl
