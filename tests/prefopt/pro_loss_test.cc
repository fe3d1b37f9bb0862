// PRO: Plackett-Luce over length-normalised log-probs plus the SFT term, against the closed
// form (double precision) and finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/prefopt/pro_loss.h"
#include "test_support.h"

namespace rlab::prefopt {
namespace {

TEST(ProLoss, ClosedFormAndGradient) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor logps = torch::tensor({{-4.0, -9.0, -3.0}}, opts);
  const torch::Tensor tokens = torch::tensor({{2.0, 3.0, 1.0}}, opts);
  const double s0 = -2.0, s1 = -3.0, s2 = -3.0;
  const double pl = -std::log(std::exp(s0) / (std::exp(s0) + std::exp(s1) + std::exp(s2))) -
                    std::log(std::exp(s1) / (std::exp(s1) + std::exp(s2)));
  EXPECT_NEAR(ProLoss(logps, tokens, 0.0).item<double>(), pl, 1e-12);
  EXPECT_NEAR(ProLoss(logps, tokens, 0.5).item<double>(), pl + 0.5 * 2.0, 1e-12);
  const torch::Tensor x = logps.clone().requires_grad_(true);
  const torch::Tensor grad = torch::autograd::grad({ProLoss(x, tokens, 0.5)}, {x})[0];
  const double h = 1e-6;
  for (int k = 0; k < 3; ++k) {
    torch::Tensor plus = logps.clone(), minus = logps.clone();
    plus[0][k] += h;
    minus[0][k] -= h;
    const double numeric =
        (ProLoss(plus, tokens, 0.5).item<double>() - ProLoss(minus, tokens, 0.5).item<double>()) /
        (2 * h);
    EXPECT_NEAR(grad[0][k].item<double>(), numeric, 1e-7) << k;
  }
  EXPECT_NE(testing::ErrorOf([&] { ProLoss(logps.select(1, 0), tokens, 0.0); }).find("[B, K]"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::prefopt
