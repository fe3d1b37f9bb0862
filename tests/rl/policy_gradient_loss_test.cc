// The token-level clipped policy loss: each aggregation equals a scalar re-computation of the
// formulas on a hand-made batch (double precision) with tokens clipped on both sides, the
// literal values at ratio 1, the clip statistics counted by hand, and gradients with respect
// to the policy's log-probs match central finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "rlab/rl/loss_aggregations.h"
#include "rlab/rl/policy_gradient_loss.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::rl {
namespace {

using testing::kDouble;
constexpr int kB = 2, kT = 3;
// log ratios 0.3, -0.05, 0 | -0.3, 0, 0.2; the third token of sequence 0 is padding.
const double kLogp[kB][kT] = {{-1.0, -0.5, -2.0}, {-0.3, -1.2, -0.8}};
const double kOld[kB][kT] = {{-1.3, -0.45, -2.0}, {0.0, -1.2, -1.0}};
const double kRef[kB][kT] = {{-1.1, -0.7, -2.0}, {-0.5, -1.0, -0.9}};
const double kMask[kB][kT] = {{1, 1, 0}, {1, 1, 1}};
const double kAdv[kB] = {1.0, -0.5};

torch::Tensor FromArray(const double (&a)[kB][kT]) {
  return torch::tensor({a[0][0], a[0][1], a[0][2], a[1][0], a[1][1], a[1][2]}, kDouble)
      .reshape({kB, kT});
}

PolicyLossInputs Inputs(bool with_ref) {
  PolicyLossInputs in;
  in.logp = FromArray(kLogp);
  in.old_logp = FromArray(kOld);
  in.mask = FromArray(kMask);
  in.advantages = torch::tensor({kAdv[0], kAdv[1]}, kDouble);
  if (with_ref) in.ref_logp = FromArray(kRef);
  return in;
}

// The loss written out token by token.
double Expected(const PolicyLossSettings& s, bool with_ref) {
  double sums[kB] = {0, 0}, counts[kB] = {0, 0};
  for (int b = 0; b < kB; ++b) {
    for (int t = 0; t < kT; ++t) {
      if (kMask[b][t] == 0) continue;
      const double ratio = std::exp(kLogp[b][t] - kOld[b][t]);
      const double clipped = std::clamp(ratio, 1 - s.epsilon_low, 1 + s.epsilon_high);
      double l = -std::min(ratio * kAdv[b], clipped * kAdv[b]);
      if (with_ref) {
        const double x = kRef[b][t] - kLogp[b][t];
        l += s.beta * (std::exp(x) - x - 1);
      }
      sums[b] += l;
      counts[b] += 1;
    }
  }
  if (s.aggregation == "grpo") return (sums[0] / counts[0] + sums[1] / counts[1]) / kB;
  if (s.aggregation == "dr_grpo") {
    return (sums[0] + sums[1]) / (kB * (s.max_completion_length ? s.max_completion_length : kT));
  }
  if (s.aggregation == "dapo") return (sums[0] + sums[1]) / (counts[0] + counts[1]);
  ADD_FAILURE() << "no reference formula for the loss aggregation " << s.aggregation;
  return 0;
}

PolicyLossSettings Settings(const std::string& agg, double beta = 0.0) {
  PolicyLossSettings s;
  s.epsilon_low = 0.2;
  s.epsilon_high = 0.28;
  s.aggregation = agg;
  s.beta = beta;
  return s;
}

// Every registered aggregation must have its reference formula above.
std::vector<std::string> AllAggregations() {
  RegisterLossAggregations();
  return LossAggregations().List();
}

TEST(PolicyGradientLoss, AggregationsMatchTheTokenFormulas) {
  for (const std::string& agg : AllAggregations()) {
    for (double beta : {0.0, 0.04}) {
      const PolicyLossSettings s = Settings(agg, beta);
      const PolicyLossOutput out = PolicyGradientLoss(Inputs(beta > 0), s);
      EXPECT_NEAR(out.loss.item<double>(), Expected(s, beta > 0), 1e-14) << agg << " beta " << beta;
    }
  }
  PolicyLossSettings dr = Settings("dr_grpo");
  dr.max_completion_length = 5;
  EXPECT_NEAR(PolicyGradientLoss(Inputs(false), dr).loss.item<double>(), Expected(dr, false),
              1e-14);
  // The dapo number by hand: tokens -1.28 (clipped high), -e^-0.05, 0.4 (clipped low), 0.5,
  // 0.5 e^0.2, over 5 tokens.
  const double dapo = (-1.28 - std::exp(-0.05) + 0.4 + 0.5 + 0.5 * std::exp(0.2)) / 5;
  EXPECT_NEAR(PolicyGradientLoss(Inputs(false), Settings("dapo")).loss.item<double>(), dapo, 1e-14);
}

TEST(PolicyGradientLoss, AtRatioOneTheLossIsMinusTheMeanAdvantage) {
  PolicyLossInputs in = Inputs(false);
  in.old_logp = in.logp.clone();
  // Sequence 0 has 2 tokens with A = 1, sequence 1 has 3 with A = -0.5.
  EXPECT_NEAR(PolicyGradientLoss(in, Settings("dapo")).loss.item<double>(),
              -(2 * 1.0 - 3 * 0.5) / 5, 1e-15);
  EXPECT_NEAR(PolicyGradientLoss(in, Settings("grpo")).loss.item<double>(), -(1.0 - 0.5) / 2,
              1e-15);
  PolicyLossSettings dr = Settings("dr_grpo");
  dr.max_completion_length = 4;
  EXPECT_NEAR(PolicyGradientLoss(in, dr).loss.item<double>(), -(2 * 1.0 - 3 * 0.5) / 8, 1e-15);
  const PolicyLossOutput out = PolicyGradientLoss(in, Settings("dapo"));
  EXPECT_EQ(out.clip_ratio, 0.0);
  EXPECT_NEAR(out.approx_kl, 0.0, 1e-15);
}

TEST(PolicyGradientLoss, StatisticsCountClippedTokensAndKl) {
  const PolicyLossOutput out = PolicyGradientLoss(Inputs(true), Settings("dapo", 0.04));
  // Token (0,0): ratio 1.35 > 1.28 with A > 0; token (1,0): ratio 0.74 < 0.8 with A < 0.
  EXPECT_NEAR(out.clip_ratio_high, 0.2, 1e-15);
  EXPECT_NEAR(out.clip_ratio_low, 0.2, 1e-15);
  EXPECT_NEAR(out.clip_ratio, 0.4, 1e-15);
  double kl = 0, approx = 0;
  for (int b = 0; b < kB; ++b) {
    for (int t = 0; t < kT; ++t) {
      if (kMask[b][t] == 0) continue;
      const double x = kRef[b][t] - kLogp[b][t], lr = kLogp[b][t] - kOld[b][t];
      kl += (std::exp(x) - x - 1) / 5;
      approx += (std::exp(lr) - 1 - lr) / 5;
    }
  }
  ASSERT_TRUE(out.kl.has_value());
  EXPECT_NEAR(*out.kl, kl, 1e-15);
  EXPECT_NEAR(out.approx_kl, approx, 1e-15);
  EXPECT_FALSE(PolicyGradientLoss(Inputs(false), Settings("dapo")).kl);
  // With symmetric clipping at 0.2, token (1,2) (ratio 1.22, A < 0) is outside the range but
  // keeps its gradient, so it is not counted; (0,0) still is.
  PolicyLossSettings sym = Settings("dapo");
  sym.epsilon_high = 0.2;
  EXPECT_NEAR(PolicyGradientLoss(Inputs(false), sym).clip_ratio_high, 0.2, 1e-15);
}

TEST(PolicyGradientLoss, PerTokenAdvantagesEqualBroadcastOnes) {
  PolicyLossInputs in = Inputs(true);
  const double per_seq = PolicyGradientLoss(in, Settings("grpo", 0.1)).loss.item<double>();
  in.advantages = in.advantages.unsqueeze(1).expand({kB, kT}).clone();
  EXPECT_NEAR(PolicyGradientLoss(in, Settings("grpo", 0.1)).loss.item<double>(), per_seq, 1e-15);
  // A boolean mask works like the 0/1 one.
  in.mask = in.mask > 0.5;
  EXPECT_NEAR(PolicyGradientLoss(in, Settings("grpo", 0.1)).loss.item<double>(), per_seq, 1e-15);
}

TEST(PolicyGradientLoss, GradientMatchesFiniteDifferences) {
  for (const std::string& agg : AllAggregations()) {
    const PolicyLossSettings s = Settings(agg, 0.04);
    PolicyLossInputs in = Inputs(true);
    in.logp.requires_grad_(true);
    const torch::Tensor grad =
        torch::autograd::grad({PolicyGradientLoss(in, s).loss}, {in.logp})[0];
    const double h = 1e-6;
    for (int b = 0; b < kB; ++b) {
      for (int t = 0; t < kT; ++t) {
        PolicyLossInputs plus = Inputs(true), minus = Inputs(true);
        plus.logp[b][t] += h;
        minus.logp[b][t] -= h;
        const double numeric = (PolicyGradientLoss(plus, s).loss.item<double>() -
                                PolicyGradientLoss(minus, s).loss.item<double>()) /
                               (2 * h);
        EXPECT_NEAR(grad[b][t].item<double>(), numeric, 1e-8) << agg << " token " << b << "," << t;
      }
    }
    // Clipped tokens get only the KL term's gradient; padding gets none.
    EXPECT_EQ(grad[0][2].item<double>(), 0.0);
  }
}

TEST(PolicyGradientLoss, BadInputsFail) {
  EXPECT_NE(testing::ErrorOf([] {
              PolicyGradientLoss(Inputs(false), Settings("dapo", 0.04));
            }).find("ref_logp"),
            std::string::npos);
  PolicyLossInputs in = Inputs(false);
  in.mask = torch::ones({kB, kT + 1}, kDouble);
  EXPECT_NE(testing::ErrorOf([&] { PolicyGradientLoss(in, Settings("dapo")); }).find("mask"),
            std::string::npos);
  PolicyLossSettings bad = Settings("dapo");
  bad.epsilon_low = 1.0;
  EXPECT_NE(testing::ErrorOf([&] { PolicyGradientLoss(Inputs(false), bad); }).find("epsilon_low"),
            std::string::npos);
  EXPECT_EQ(MakeLossAggregation("dr_grpo")->Describe(), "dr_grpo");
  EXPECT_NE(testing::ErrorOf([] { MakeLossAggregation("bnpo"); }).find("dapo"), std::string::npos);
  bad = Settings("bnpo");
  EXPECT_NE(testing::ErrorOf([&] { PolicyGradientLoss(Inputs(false), bad); }).find("dr_grpo"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::rl
