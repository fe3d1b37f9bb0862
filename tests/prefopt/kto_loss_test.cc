// KTO: the loss equals its closed form (double precision), the reference point is clamped at
// zero and carries no gradient, and the gradient matches finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/prefopt/kto_loss.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::prefopt {
namespace {

using testing::kDouble;
using testing::Sigmoid;

KtoInputs Inputs(double kl_shift) {
  return {torch::tensor({-5.0, -4.0, -6.0}, kDouble), torch::tensor({-5.5, -3.0, -6.2}, kDouble),
          torch::tensor({true, false, true}),
          torch::tensor({-8.0 + kl_shift, -9.0 + kl_shift}, kDouble),
          torch::tensor({-8.5, -9.3}, kDouble)};
}

TEST(KtoLoss, ClosedFormWithWeights) {
  KtoOptions o;
  o.beta = 0.5;
  o.desirable_weight = 1.0;
  o.undesirable_weight = 1.5;
  const KtoOutput out = KtoLoss(Inputs(0.0), o);
  const double z = ((0.5) + (0.3)) / 2;  // mean of the mismatched log-ratios, positive
  EXPECT_NEAR(out.reference_point.item<double>(), z, 1e-12);
  const double expected = ((1 - Sigmoid(0.5 * (0.5 - z))) + 1.5 * (1 - Sigmoid(0.5 * (z + 1.0))) +
                           (1 - Sigmoid(0.5 * (0.2 - z)))) /
                          3;
  EXPECT_NEAR(out.loss.item<double>(), expected, 1e-12);
  EXPECT_NEAR(out.rewards[1].item<double>(), 0.5 * -1.0, 1e-12);
}

TEST(KtoLoss, ReferencePointIsClampedAtZeroAndGradientsMatch) {
  KtoOptions o;
  const KtoOutput out = KtoLoss(Inputs(-5.0), o);  // mismatched log-ratios negative
  EXPECT_EQ(out.reference_point.item<double>(), 0.0);
  KtoInputs in = Inputs(0.0);
  in.logps.requires_grad_(true);
  in.kl_logps.requires_grad_(true);
  const auto grads =
      torch::autograd::grad({KtoLoss(in, o).loss}, {in.logps, in.kl_logps}, {}, false, false,
                            /*allow_unused=*/true);
  EXPECT_FALSE(grads[1].defined() && grads[1].abs().sum().item<double>() != 0.0);
  const double h = 1e-6;
  for (int i = 0; i < 3; ++i) {
    KtoInputs plus = Inputs(0.0), minus = Inputs(0.0);
    plus.logps[i] += h;
    minus.logps[i] -= h;
    const double numeric =
        (KtoLoss(plus, o).loss.item<double>() - KtoLoss(minus, o).loss.item<double>()) / (2 * h);
    EXPECT_NEAR(grads[0][i].item<double>(), numeric, 1e-7);
  }
  KtoInputs bad = Inputs(0.0);
  bad.kl_logps = torch::Tensor();
  EXPECT_NE(testing::ErrorOf([&] { KtoLoss(bad, o); }).find("mismatched"), std::string::npos);
}

}  // namespace
}  // namespace rlab::prefopt
