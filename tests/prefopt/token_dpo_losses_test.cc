// The token- and step-level DPO losses (tgdpo, t_reg, svpo): each equals its defining formula on
// a hand-made batch, reduces to sigmoid DPO when its extra term is switched off, moves the
// tokens the way its paper says, and says what it needs when the caller does not give it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "numeric_support.h"
#include "rlab/prefopt/dpo_losses.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

using testing::kDouble;
using testing::LogSigmoid;

// Two pairs of three-token completions (the second rejected one has two tokens, a 0 after its
// end): per-token log-ratios rho, token rewards r, and the reference's summed log-probs.
const std::vector<std::vector<double>> kRhoC = {{0.2, -0.1, 0.4}, {-0.3, 0.5, 0.1}},
                                       kRhoR = {{0.1, 0.3, -0.2}, {0.6, -0.4, 0.0}},
                                       kRewC = {{1.0, -0.5, 0.25}, {0.0, 1.0, -1.0}},
                                       kRewR = {{-1.0, 0.5, 1.0}, {0.75, -0.25, 0.0}};
const std::vector<double> kRefC = {-4.0, -5.5}, kRefR = {-6.0, -3.0}, kDq = {0.3, -0.2};

double RowSum(const std::vector<double>& v) { return v[0] + v[1] + v[2]; }
double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
torch::Tensor Matrix(const std::vector<std::vector<double>>& m) {
  return torch::stack({torch::tensor(m[0], kDouble), torch::tensor(m[1], kDouble)});  // [2, 3]
}

// The batch, with the summed log-probs built from the token ratios so that gradients reach the
// tokens through both; `rho_c` and `rho_r` are the leaves.
PreferenceLogps Batch(const torch::Tensor& rho_c, const torch::Tensor& rho_r) {
  PreferenceLogps p;
  p.ref_chosen = torch::tensor(kRefC, kDouble);
  p.ref_rejected = torch::tensor(kRefR, kDouble);
  p.chosen = p.ref_chosen + rho_c.sum(1);
  p.rejected = p.ref_rejected + rho_r.sum(1);
  p.chosen_tokens = torch::tensor({3.0, 3.0}, kDouble);
  p.rejected_tokens = torch::tensor({3.0, 2.0}, kDouble);
  p.margins = torch::tensor(kDq, kDouble);
  p.chosen_token_ratios = rho_c;
  p.rejected_token_ratios = rho_r;
  p.chosen_token_rewards = Matrix(kRewC);
  p.rejected_token_rewards = Matrix(kRewR);
  return p;
}
PreferenceLogps Batch() { return Batch(Matrix(kRhoC), Matrix(kRhoR)); }

double LossOf(const std::string& spec, const PreferenceLogps& p) {
  return (*MakeDpoLoss(spec))(p).loss.item<double>();
}

template <class F>
double MeanOverPairs(F per_pair) {
  return (per_pair(0) + per_pair(1)) / 2;
}

TEST(TokenDpoLosses, TgdpoIsLogisticOfTheGuidanceWeightedTokenRatios) {
  const double beta = 0.5, alpha = 0.8;
  const double expected = MeanOverPairs([&](int i) {
    double z = 0;
    for (int t = 0; t < 3; ++t) {
      z += beta * (1 + alpha * kRewC[i][t]) * kRhoC[i][t];
      z -= beta * (1 - alpha * kRewR[i][t]) * kRhoR[i][t];
    }
    return -LogSigmoid(z);
  });
  EXPECT_NEAR(LossOf("tgdpo(beta=0.5, alpha=0.8)", Batch()), expected, 1e-12);
}

TEST(TokenDpoLosses, TgdpoWithoutGuidanceIsSigmoidDpo) {
  const double dpo = LossOf("sigmoid(beta=0.5)", Batch());
  EXPECT_NEAR(LossOf("tgdpo(beta=0.5, alpha=0)", Batch()), dpo, 1e-12);
  PreferenceLogps silent = Batch();
  silent.chosen_token_rewards = torch::zeros({2, 3}, kDouble);
  silent.rejected_token_rewards = torch::zeros({2, 3}, kDouble);
  EXPECT_NEAR(LossOf("tgdpo(beta=0.5, alpha=0.8)", silent), dpo, 1e-12);
}

TEST(TokenDpoLosses, TgdpoGradientOfEachTokenScalesWithItsGuidanceWeight) {
  const double alpha = 0.8;
  const torch::Tensor rho_c = Matrix(kRhoC).requires_grad_(true);
  const torch::Tensor rho_r = Matrix(kRhoR).requires_grad_(true);
  (*MakeDpoLoss("tgdpo(beta=0.5, alpha=0.8)"))(Batch(rho_c, rho_r)).loss.backward();
  // d loss / d rho_t = -beta sigmoid(-z) w_t / B: within a row, proportional to the weight
  // 1 + alpha r_t (chosen) or -(1 - alpha r_t) (rejected).
  for (int i = 0; i < 2; ++i) {
    const double scale = rho_c.grad()[i][0].item<double>() / (1 + alpha * kRewC[i][0]);
    EXPECT_LT(scale, 0.0);
    for (int t = 0; t < 3; ++t) {
      EXPECT_NEAR(rho_c.grad()[i][t].item<double>(), scale * (1 + alpha * kRewC[i][t]), 1e-12);
      EXPECT_NEAR(rho_r.grad()[i][t].item<double>(), -scale * (1 - alpha * kRewR[i][t]), 1e-12);
    }
  }
}

TEST(TokenDpoLosses, TRegIsDpoPlusAlphaTimesTheTokenRewardAgreementLoss) {
  const double beta = 0.5, alpha = 0.4;
  const double expected = MeanOverPairs([&](int i) {
    const double h = RowSum(kRhoC[i]) - RowSum(kRhoR[i]);
    const double agree_c = Dot(kRewC[i], kRhoC[i]), agree_r = Dot(kRewR[i], kRhoR[i]);
    return -LogSigmoid(beta * h) -
           alpha / 2 * (LogSigmoid(beta * agree_c) + LogSigmoid(beta * agree_r));
  });
  EXPECT_NEAR(LossOf("t_reg(beta=0.5, alpha=0.4)", Batch()), expected, 1e-12);
  EXPECT_NEAR(LossOf("t_reg(beta=0.5, alpha=0)", Batch()), LossOf("sigmoid(beta=0.5)", Batch()),
              1e-12);
}

TEST(TokenDpoLosses, TRegRaisesTokensWithPositiveRewardAboveTokensWithNegativeReward) {
  const torch::Tensor rho_c = Matrix(kRhoC).requires_grad_(true);
  const torch::Tensor rho_r = Matrix(kRhoR).requires_grad_(true);
  (*MakeDpoLoss("t_reg(beta=0.5, alpha=1)"))(Batch(rho_c, rho_r)).loss.backward();
  // The DPO term moves every token of a row alike; the regulariser moves token t by
  // -r_t (times a positive factor), so a descent step raises rho where r > 0 relative to r < 0.
  // Row 0 chosen: r = (1, -0.5, .25); row 0 rejected: r = (-1, .5, 1).
  EXPECT_LT(rho_c.grad()[0][0].item<double>(), rho_c.grad()[0][1].item<double>());
  EXPECT_LT(rho_r.grad()[0][2].item<double>(), rho_r.grad()[0][0].item<double>());
  // A token of reward 0 gets only the DPO term's share: row 1 chosen token 0 against the
  // sigmoid loss's gradient there.
  const torch::Tensor plain_c = Matrix(kRhoC).requires_grad_(true);
  (*MakeDpoLoss("sigmoid(beta=0.5)"))(Batch(plain_c, Matrix(kRhoR))).loss.backward();
  EXPECT_NEAR(rho_c.grad()[1][0].item<double>(), plain_c.grad()[1][0].item<double>(), 1e-12);
}

TEST(TokenDpoLosses, SvpoIsStepDpoPlusLambdaTimesTheValueMarginRegression) {
  const double beta = 0.5, lambda = 2.0;
  const double expected = MeanOverPairs([&](int i) {
    const double m = beta * (RowSum(kRhoC[i]) - RowSum(kRhoR[i]));
    return -LogSigmoid(m) + lambda * (m - kDq[i]) * (m - kDq[i]);
  });
  EXPECT_NEAR(LossOf("svpo(beta=0.5, lambda=2)", Batch()), expected, 1e-12);
  EXPECT_NEAR(LossOf("svpo(beta=0.5, lambda=0)", Batch()), LossOf("sigmoid(beta=0.5)", Batch()),
              1e-12);
}

TEST(TokenDpoLosses, MissingTokenInputsOrMarginsSayWhatIsNeeded) {
  PreferenceLogps sums_only = Batch();
  sums_only.chosen_token_ratios = torch::Tensor();
  for (const std::string loss : {"tgdpo", "t_reg"}) {
    const std::string msg = testing::ErrorOf([&] { LossOf(loss, sums_only); });
    EXPECT_NE(msg.find(loss + " weighs tokens"), std::string::npos) << msg;
    EXPECT_NE(msg.find("chosen_token_ratios"), std::string::npos) << msg;
  }
  PreferenceLogps short_rewards = Batch();
  short_rewards.rejected_token_rewards = torch::zeros({2, 2}, kDouble);
  EXPECT_NE(testing::ErrorOf([&] { LossOf("tgdpo", short_rewards); }).find("[B, T]"),
            std::string::npos);
  PreferenceLogps no_margins = Batch();
  no_margins.margins = torch::Tensor();
  EXPECT_NE(testing::ErrorOf([&] { LossOf("svpo", no_margins); }).find("value margin"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::prefopt
