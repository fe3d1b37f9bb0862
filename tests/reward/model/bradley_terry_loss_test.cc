#include "rlab/reward/model/bradley_terry_loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"

namespace rlab::reward {
namespace {

torch::Tensor D(std::vector<double> v) { return torch::tensor(v, torch::kDouble); }

TEST(BradleyTerryLoss, EqualsClosedForm) {
  const auto ra = D({1.0, -0.5, 3.0, 0.2});
  const auto rb = D({0.0, 0.5, -1.0, 0.2});
  const auto y = D({1.0, 0.0, 0.5, 1.0});
  double expected = 0;
  for (int i = 0; i < 4; ++i) {
    const double m = ra[i].item<double>() - rb[i].item<double>();
    const double p = 1.0 / (1.0 + std::exp(-m));
    const double yi = y[i].item<double>();
    expected += -(yi * std::log(p) + (1 - yi) * std::log(1 - p));
  }
  EXPECT_NEAR(BradleyTerryLoss(ra, rb, y).item<double>(), expected / 4, 1e-14);
}

TEST(BradleyTerryLoss, StableForLargeMargins) {
  const double loss = BradleyTerryLoss(D({1000.0}), D({-1000.0}), D({0.0})).item<double>();
  EXPECT_NEAR(loss, 2000.0, 1e-9);
  EXPECT_NEAR(BradleyTerryLoss(D({1000.0}), D({-1000.0}), D({1.0})).item<double>(), 0.0, 1e-12);
}

TEST(BradleyTerryLoss, GradientMatchesFiniteDifferences) {
  torch::manual_seed(0);
  const auto ra = torch::randn({6}, torch::kDouble).requires_grad_(true);
  const auto rb = torch::randn({6}, torch::kDouble);
  const auto y = D({1, 0, 1, 0.5, 1, 0});
  BradleyTerryLoss(ra, rb, y).backward();
  const double h = 1e-6;
  for (int i = 0; i < 6; ++i) {
    auto plus = ra.detach().clone(), minus = ra.detach().clone();
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (BradleyTerryLoss(plus, rb, y).item<double>() -
                            BradleyTerryLoss(minus, rb, y).item<double>()) /
                           (2 * h);
    EXPECT_NEAR(ra.grad()[i].item<double>(), numeric, 1e-8);
  }
}

TEST(BradleyTerryLoss, ShapeMismatchIsAnError) {
  EXPECT_THROW(BradleyTerryLoss(D({1, 2}), D({1}), D({1, 1})), Error);
}

}  // namespace
}  // namespace rlab::reward
