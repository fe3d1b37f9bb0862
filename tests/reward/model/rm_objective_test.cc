// Reward-model objectives: each loss equals its closed form on hand-made head outputs (double
// precision), its gradient matches central finite differences, and the General Preference
// Model fits a cyclic preference set that no scalar reward can.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/reward/model/rm_objective.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;

double Softplus(double x) { return std::log1p(std::exp(x)); }

torch::Tensor Index(std::vector<int64_t> v) { return torch::tensor(v, torch::kInt64); }

// Five rows: pair (0 over 1), tied pair (2, 3), and a ranking 4 > 0 > 2; rows 0, 1, 4 rated.
RmTargets Targets() {
  RmTargets t;
  t.chosen_rows = Index({0, 2});
  t.rejected_rows = Index({1, 3});
  t.margin = torch::tensor({0.25, 0.0}, kDouble);
  t.tie = torch::tensor({false, true});
  t.rankings = {Index({4, 0, 2})};
  const double nan = std::nan("");
  t.rating = torch::tensor({1.0, -0.5, nan, nan, 2.0}, kDouble);
  return t;
}

// Central differences of the loss with respect to every output.
void ExpectGradientMatches(const RewardModelObjective& objective, const torch::Tensor& outputs,
                           const RmTargets& t) {
  const torch::Tensor x = outputs.detach().clone().requires_grad_(true);
  const torch::Tensor grad = torch::autograd::grad({objective.Loss(x, t)}, {x})[0];
  const double h = 1e-6;
  for (int64_t i = 0; i < x.size(0); ++i) {
    for (int64_t j = 0; j < x.size(1); ++j) {
      torch::Tensor plus = outputs.detach().clone(), minus = outputs.detach().clone();
      plus[i][j] += h;
      minus[i][j] -= h;
      const double numeric =
          (objective.Loss(plus, t).item<double>() - objective.Loss(minus, t).item<double>()) /
          (2 * h);
      EXPECT_NEAR(grad[i][j].item<double>(), numeric, 1e-6)
          << objective.Describe() << " row " << i << " column " << j;
    }
  }
}

TEST(RmObjectives, BradleyTerryCombinesPairsAndPlackettLuceRankings) {
  const auto objective = MakeRmObjective("bradley_terry");
  ASSERT_EQ(objective->head_size(), 1);
  const std::vector<double> r = {0.7, -0.2, 0.1, 0.4, 1.5};
  const torch::Tensor outputs = torch::tensor(r, kDouble).unsqueeze(1);
  const double pair0 = Softplus(-(r[0] - r[1] - 0.25));
  const double tie = 0.5 * Softplus(-(r[2] - r[3])) + 0.5 * Softplus(r[2] - r[3]);
  // Plackett-Luce of 4 > 0 > 2.
  const double e4 = std::exp(r[4]), e0 = std::exp(r[0]), e2 = std::exp(r[2]);
  const double ranking = -std::log(e4 / (e4 + e0 + e2)) - std::log(e0 / (e0 + e2));
  const double expected = (2 * ((pair0 + tie) / 2) + ranking) / 3;
  EXPECT_NEAR(objective->Loss(outputs, Targets()).item<double>(), expected, 1e-12);
  ExpectGradientMatches(*objective, outputs, Targets());
  EXPECT_NEAR(
      objective->PreferenceLogit(outputs.slice(0, 0, 1), outputs.slice(0, 1, 2)).item<double>(),
      r[0] - r[1], 1e-12);
}

TEST(RmObjectives, PairwiseLossOptionsPassThrough) {
  const auto objective = MakeRmObjective("bradley_terry(label_smoothing=0.2)");
  EXPECT_NE(objective->Describe().find("label_smoothing=0.2"), std::string::npos);
  ExpectGradientMatches(*objective, torch::randn({5, 1}, kDouble), Targets());
  ExpectGradientMatches(*MakeRmObjective("davidson(nu=0.5)"), torch::randn({5, 1}, kDouble),
                        Targets());
  ExpectGradientMatches(*MakeRmObjective("rao_kupper(theta=2)"), torch::randn({5, 1}, kDouble),
                        Targets());
}

TEST(RmObjectives, RegressionIsSquaredErrorOnRatedRows) {
  const auto objective = MakeRmObjective("regression");
  EXPECT_TRUE(objective->NeedsRatings());
  const std::vector<double> r = {0.7, -0.2, 0.1, 0.4, 1.5};
  const torch::Tensor outputs = torch::tensor(r, kDouble).unsqueeze(1);
  const double expected =
      (std::pow(0.7 - 1.0, 2) + std::pow(-0.2 + 0.5, 2) + std::pow(1.5 - 2.0, 2)) / 3;
  EXPECT_NEAR(objective->Loss(outputs, Targets()).item<double>(), expected, 1e-12);
  ExpectGradientMatches(*MakeRmObjective("regression(bt_weight=0.5)"), outputs, Targets());
  RmTargets unrated = Targets();
  unrated.rating = torch::full({5}, std::nan(""), kDouble);
  EXPECT_NE(testing::ErrorOf([&] { objective->Loss(outputs, unrated); }).find("no rated"),
            std::string::npos);
}

TEST(RmObjectives, QuantileIsThePinballLossAtMidpointLevels) {
  const auto objective = MakeRmObjective("quantile(quantiles=2)");
  ASSERT_EQ(objective->head_size(), 2);
  // Levels 0.25 and 0.75.
  const torch::Tensor outputs =
      torch::tensor({{0.5, 1.5}, {0.0, 0.0}, {9.0, 9.0}, {9.0, 9.0}, {1.0, 3.0}}, kDouble);
  const auto pinball = [](double tau, double u) { return std::max(tau * u, (tau - 1) * u); };
  const double expected =
      (pinball(0.25, 1.0 - 0.5) + pinball(0.75, 1.0 - 1.5) + pinball(0.25, -0.5) +
       pinball(0.75, -0.5) + pinball(0.25, 2.0 - 1.0) + pinball(0.75, 2.0 - 3.0)) /
      6;
  EXPECT_NEAR(objective->Loss(outputs, Targets()).item<double>(), expected, 1e-12);
  EXPECT_NEAR((*objective->Reward(outputs))[4].item<double>(), 2.0, 1e-12);
  const auto low = MakeRmObjective("quantile(quantiles=2, reward_at=0.1)");
  EXPECT_NEAR((*low->Reward(outputs))[4].item<double>(), 1.0, 1e-12);
  // Away from the kinks the pinball loss is differentiable.
  ExpectGradientMatches(*MakeRmObjective("quantile(quantiles=3, bt_weight=1)"),
                        torch::cat({outputs, outputs.slice(1, 0, 1) + 0.3}, 1) + 0.01, Targets());
  EXPECT_NE(testing::ErrorOf([&] {
              low->Loss(torch::zeros({5, 3}, kDouble), Targets());
            }).find("has 3 outputs"),
            std::string::npos);
}

TEST(RmObjectives, GpmScoreIsAntisymmetricAndItsLossMatchesTheClosedForm) {
  const auto objective = MakeRmObjective("gpm(dims=4)");
  ASSERT_EQ(objective->head_size(), 4);
  EXPECT_FALSE(objective->Reward(torch::zeros({1, 4}, kDouble)).has_value());
  const torch::Tensor outputs = torch::randn({5, 4}, kDouble);
  const auto score = [&](int64_t i, int64_t j) {
    const auto a = outputs[i], b = outputs[j];
    return (a[0] * b[1] - a[1] * b[0] + a[2] * b[3] - a[3] * b[2]).item<double>();
  };
  const torch::Tensor ab =
      objective->PreferenceLogit(outputs.slice(0, 0, 2), outputs.slice(0, 2, 4));
  EXPECT_NEAR(ab[0].item<double>(), score(0, 2), 1e-12);
  EXPECT_NEAR(ab[1].item<double>(), -score(3, 1), 1e-12);
  EXPECT_NEAR(objective->PreferenceLogit(outputs, outputs).abs().max().item<double>(), 0.0, 1e-12);
  const double pair0 = Softplus(-(score(0, 1) - 0.25));
  const double tie = 0.5 * Softplus(-score(2, 3)) + 0.5 * Softplus(score(2, 3));
  const double ranking =
      (Softplus(-score(4, 0)) + Softplus(-score(4, 2)) + Softplus(-score(0, 2))) / 3;
  EXPECT_NEAR(objective->Loss(outputs, Targets()).item<double>(),
              (2 * ((pair0 + tie) / 2) + ranking) / 3, 1e-12);
  ExpectGradientMatches(*objective, outputs, Targets());
}

// Fits free head outputs for three responses to A > B, B > C, C > A; returns the final loss
// and how many of the three preferences the fit gets right.
std::pair<double, int> FitCycle(const RewardModelObjective& objective) {
  torch::manual_seed(3);
  torch::Tensor x = (0.1 * torch::randn({3, objective.head_size()}, kDouble)).requires_grad_(true);
  RmTargets t;
  t.chosen_rows = Index({0, 1, 2});
  t.rejected_rows = Index({1, 2, 0});
  t.margin = torch::zeros({3}, kDouble);
  t.tie = torch::zeros({3}, torch::kBool);
  t.rating = torch::full({3}, std::nan(""), kDouble);
  torch::optim::Adam optimizer({x}, torch::optim::AdamOptions(0.05));
  for (int step = 0; step < 2000; ++step) {
    optimizer.zero_grad();
    objective.Loss(x, t).backward();
    optimizer.step();
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor logits =
      objective.PreferenceLogit(Rows(x, t.chosen_rows), Rows(x, t.rejected_rows));
  return {objective.Loss(x, t).item<double>(),
          static_cast<int>((logits > 0).sum().item<int64_t>())};
}

TEST(RmObjectives, GpmFitsCyclicPreferencesThatBradleyTerryFitsOnlyAtChance) {
  const auto [gpm_loss, gpm_right] = FitCycle(*MakeRmObjective("gpm(dims=2)"));
  EXPECT_EQ(gpm_right, 3);
  EXPECT_LT(gpm_loss, 0.05);
  // Any scalar reward orders the three, so it gets at most two right; the best Bradley-Terry
  // fit is equal rewards, P = 1/2 everywhere, loss log 2.
  const auto [bt_loss, bt_right] = FitCycle(*MakeRmObjective("bradley_terry"));
  EXPECT_LE(bt_right, 2);
  EXPECT_GT(bt_loss, std::log(2.0) - 1e-6);
}

TEST(RmObjectives, UnknownObjectiveListsTheValidOnes) {
  const std::string message = testing::ErrorOf([] { MakeRmObjective("nope"); });
  EXPECT_NE(message.find("gpm"), std::string::npos);
  EXPECT_NE(message.find("quantile"), std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
