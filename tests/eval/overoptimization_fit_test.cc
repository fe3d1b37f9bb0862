// Gao et al.'s forms: a fit recovers the coefficients of points drawn exactly from each form
// (and reports zero error), a noisy curve gives a small error and close coefficients, the
// fitted peak sits where the derivative vanishes, and too few points fail with a message.
// Best-of-N's KL is log N - (N-1)/N.
#include <gtest/gtest.h>

#include <cmath>

#include "rlab/core/rng.h"
#include "rlab/eval/overoptimization_fit.h"
#include "test_support.h"

namespace rlab::eval {
namespace {

std::vector<double> Kls() { return {0.0, 0.25, 1.0, 2.0, 4.0, 9.0, 16.0, 25.0}; }

std::vector<double> Gains(GaoForm form, double alpha, double beta, double noise = 0.0) {
  Rng rng(5);
  std::vector<double> g;
  for (double kl : Kls())
    g.push_back(GaoCurve(form, alpha, beta, std::sqrt(kl)) + noise * rng.Normal());
  return g;
}

TEST(OveroptimizationFit, RecoversExactCoefficientsOfBothForms) {
  for (GaoForm form : {GaoForm::kBestOfN, GaoForm::kRl}) {
    const GaoFit fit = FitGaoForm(form, Kls(), Gains(form, 0.8, 0.15));
    EXPECT_NEAR(fit.alpha, 0.8, 1e-9) << GaoFormName(form);
    EXPECT_NEAR(fit.beta, 0.15, 1e-9) << GaoFormName(form);
    EXPECT_NEAR(fit.rmse, 0.0, 1e-9);
    EXPECT_EQ(fit.points, 8);
  }
}

TEST(OveroptimizationFit, NoisyPointsGiveCloseCoefficientsAndTheirError) {
  const GaoFit fit = FitGaoForm(GaoForm::kRl, Kls(), Gains(GaoForm::kRl, 1.0, 0.5, 0.01));
  EXPECT_NEAR(fit.alpha, 1.0, 0.03);
  EXPECT_NEAR(fit.beta, 0.5, 0.03);
  EXPECT_GT(fit.rmse, 0.002);
  EXPECT_LT(fit.rmse, 0.02);
}

TEST(OveroptimizationFit, PeakIsWhereTheCurveTurns) {
  for (GaoForm form : {GaoForm::kBestOfN, GaoForm::kRl}) {
    GaoFit fit;
    fit.form = form;
    fit.alpha = 1.2;
    fit.beta = 0.4;
    const double d = fit.d_at_peak();
    const double h = 1e-4;
    const double at = GaoCurve(form, fit.alpha, fit.beta, d);
    EXPECT_GT(at, GaoCurve(form, fit.alpha, fit.beta, d - h)) << GaoFormName(form);
    EXPECT_GT(at, GaoCurve(form, fit.alpha, fit.beta, d + h)) << GaoFormName(form);
  }
  GaoFit rising;
  rising.alpha = 1;
  rising.beta = -0.1;
  EXPECT_TRUE(std::isinf(rising.d_at_peak()));
}

TEST(OveroptimizationFit, BestOfNKlIsAnalytic) {
  EXPECT_DOUBLE_EQ(BestOfNKl(1), 0.0);
  EXPECT_NEAR(BestOfNKl(2), std::log(2.0) - 0.5, 1e-15);
  EXPECT_NEAR(BestOfNKl(64), std::log(64.0) - 63.0 / 64.0, 1e-15);
  EXPECT_NE(testing::ErrorOf([] { BestOfNKl(0); }).find("N must be >= 1"), std::string::npos);
}

TEST(OveroptimizationFit, UnderdeterminedOrBadPointsFail) {
  EXPECT_NE(testing::ErrorOf([] {
              FitGaoForm(GaoForm::kRl, {0.0, 1.0}, {0.0, 0.5});
            }).find("two points"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              FitGaoForm(GaoForm::kRl, {1.0, 2.0}, {0.5});
            }).find("gains"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] {
              FitGaoForm(GaoForm::kBestOfN, {1.0, 2.0, 3.0}, {0.5, NAN, 1.0});
            }).find("point 1"),
            std::string::npos);
  EXPECT_EQ(ParseGaoForm("bon"), GaoForm::kBestOfN);
  EXPECT_NE(testing::ErrorOf([] { ParseGaoForm("ppo"); }).find("bon, rl"), std::string::npos);
}

}  // namespace
}  // namespace rlab::eval
