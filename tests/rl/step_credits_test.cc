// Step credits: sum-form and min-form returns and the sum, pure, clip, delta and g_ra entries
// equal their hand-computed token advantages on a batch of two completions of one prompt (step
// rewards 0.8 and 0.3 on the second and fourth token, and a completion with no step); PURE's
// and Delta's returns do not grow with an extra well-paid step while summed credit's does;
// tokens after a completion's last step take that step's return; an unknown credit
// lists the valid ones.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "rlab/rl/step_credit.h"
#include "rlab/rl/step_credits/step_returns.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

// One row of step rewards over 5 tokens: 0.8 on token 1, 0.3 on token 3.
reward::ProcessRewards OneCompletionSteps(std::vector<float> rewards, std::vector<bool> positions) {
  const int64_t t = static_cast<int64_t>(rewards.size());
  torch::Tensor p = torch::zeros({1, t}, torch::kBool);
  for (int64_t i = 0; i < t; ++i) p[0][i] = static_cast<bool>(positions[i]);
  return {torch::tensor(rewards).reshape({1, t}), p};
}

void ExpectCreditRow(const torch::Tensor& got, int64_t row, const std::vector<double>& want) {
  ASSERT_EQ(got.size(1), static_cast<int64_t>(want.size()));
  for (size_t t = 0; t < want.size(); ++t) {
    EXPECT_NEAR(got[row][t].item<double>(), want[t], 1e-6) << "row " << row << " token " << t;
  }
}

const reward::ProcessRewards kTwoSteps =
    OneCompletionSteps({0, 0.8f, 0, 0.3f, 0}, {false, true, false, true, false});

TEST(StepReturns, SumFormAddsTheStepRewardsStillToCome) {
  ExpectCreditRow(SumFormReturns(kTwoSteps.rewards, kTwoSteps.positions), 0,
                  {1.1, 1.1, 0.3, 0.3, 0});
}

TEST(StepReturns, MinFormTakesTheWorstStepStillToComeAndZeroAfterTheLast) {
  ExpectCreditRow(MinFormReturns(kTwoSteps.rewards, kTwoSteps.positions), 0,
                  {0.3, 0.3, 0.3, 0.3, 0});
}

// A single completion (group of one: no baseline), outcome advantage 0.5, all tokens real.
torch::Tensor CreditOfOne(const std::string& spec, const reward::ProcessRewards& process,
                          double outcome = 1.0) {
  const int64_t t = process.rewards.size(1);
  return (*MakeStepCredit(spec))(
      {torch::tensor({outcome}), process, torch::ones({1, t}), 1, torch::tensor({0.5f})});
}

TEST(StepCredits, EachEntryMatchesItsFormulaOnTwoSteps) {
  // Token 4 follows the last step: it takes that step's return.
  ExpectCreditRow(CreditOfOne("sum", kTwoSteps), 0, {1.6, 1.6, 0.8, 0.8, 0.8});
  ExpectCreditRow(CreditOfOne("pure", kTwoSteps), 0, {0.8, 0.8, 0.8, 0.8, 0.8});
  // Clip at 0.5: min(0.8 - 0.5, 0) = 0, min(0.3 - 0.5, 0) = -0.2.
  ExpectCreditRow(CreditOfOne("clip(eta=0.5)", kTwoSteps), 0, {0.3, 0.3, 0.3, 0.3, 0.3});
  // Delta: 0.8 - 0.3 then 0.3; the return is the reward of the token's own step.
  ExpectCreditRow(CreditOfOne("delta", kTwoSteps), 0, {1.3, 1.3, 0.8, 0.8, 0.8});
  ExpectCreditRow(CreditOfOne("g_ra(threshold=0.5)", kTwoSteps, /*outcome=*/1.0), 0,
                  {1.6, 1.6, 0.8, 0.8, 0.8});
  ExpectCreditRow(CreditOfOne("g_ra(threshold=0.5)", kTwoSteps, /*outcome=*/0.0), 0,
                  {0.5, 0.5, 0.5, 0.5, 0.5});
}

TEST(StepCredits, PureAndDeltaDoNotPayForAnExtraWellPaidStepButSumDoes) {
  // The same two steps followed by a repeated well-paid one (0.8 on token 4).
  const reward::ProcessRewards padded =
      OneCompletionSteps({0, 0.8f, 0, 0.3f, 0.8f}, {false, true, false, true, true});
  const auto first = [](const torch::Tensor& a) { return a[0][0].item<double>(); };
  EXPECT_GT(first(CreditOfOne("sum", padded)), first(CreditOfOne("sum", kTwoSteps)) + 0.5);
  EXPECT_NEAR(first(CreditOfOne("pure", padded)), first(CreditOfOne("pure", kTwoSteps)), 1e-6);
  EXPECT_NEAR(first(CreditOfOne("delta", padded)), first(CreditOfOne("delta", kTwoSteps)), 1e-6);
  EXPECT_LE(first(CreditOfOne("clip", padded)), first(CreditOfOne("clip", kTwoSteps)) + 1e-6);
}

TEST(StepCredits, LeaveOneOutBaselineOverTheGroupAndNothingOffTheMask) {
  // Prompt 0: completion 0 has the two steps (whole sum return 1.1), completion 1 none (0).
  torch::Tensor rewards = torch::zeros({2, 5});
  rewards[0] = kTwoSteps.rewards[0];
  torch::Tensor positions = torch::zeros({2, 5}, torch::kBool);
  positions[0] = kTwoSteps.positions[0];
  torch::Tensor mask = torch::ones({2, 5});
  mask[1][4] = 0;  // padding
  const torch::Tensor a = (*MakeStepCredit("sum"))(
      {torch::tensor({1.0, 0.0}), {rewards, positions}, mask, 2, torch::tensor({1.0f, -1.0f})});
  // Row 0: baseline 0 (the other's whole return); row 1: no step, G = 0, baseline 1.1.
  ExpectCreditRow(a, 0, {2.1, 2.1, 1.3, 1.3, 1.3});
  ExpectCreditRow(a, 1, {-2.1, -2.1, -2.1, -2.1, 0.0});
}

TEST(StepCredits, UnknownCreditListsTheValidOnes) {
  const std::string error = testing::ErrorOf([] { MakeStepCredit("median"); });
  EXPECT_NE(error.find("pure"), std::string::npos) << error;
  EXPECT_NE(error.find("g_ra"), std::string::npos) << error;
}

}  // namespace
}  // namespace rlab::rl
