// Reward-model losses: each equals its closed form on hand-made rewards (double precision) and
// its gradient matches central finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/reward/model/preference_losses.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::Sigmoid;

PairRewards Pairs(std::vector<double> c, std::vector<double> r, std::vector<double> m,
                  std::vector<bool> tie) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  std::vector<uint8_t> t(tie.begin(), tie.end());
  return {torch::tensor(c, opts).requires_grad_(true), torch::tensor(r, opts).requires_grad_(true),
          torch::tensor(m, opts),
          torch::tensor(std::vector<int64_t>(t.begin(), t.end())).to(torch::kBool)};
}

// Central differences of loss(pairs) with respect to chosen and rejected rewards.
void ExpectGradientsMatch(const PairwiseLoss& loss, const PairRewards& p) {
  const torch::Tensor value = loss(p);
  const auto grads = torch::autograd::grad({value}, {p.chosen, p.rejected});
  const double h = 1e-6;
  for (int which = 0; which < 2; ++which) {
    const torch::Tensor& x = which == 0 ? p.chosen : p.rejected;
    for (int64_t i = 0; i < x.size(0); ++i) {
      PairRewards plus = p, minus = p;
      torch::Tensor xp = x.detach().clone(), xm = x.detach().clone();
      xp[i] += h;
      xm[i] -= h;
      (which == 0 ? plus.chosen : plus.rejected) = xp;
      (which == 0 ? minus.chosen : minus.rejected) = xm;
      const double numeric = (loss(plus).item<double>() - loss(minus).item<double>()) / (2 * h);
      EXPECT_NEAR(grads[which][i].item<double>(), numeric, 1e-6)
          << loss.Describe() << " " << which << " " << i;
    }
  }
}

TEST(PreferenceLosses, BradleyTerryClosedForm) {
  const auto p = Pairs({1.0, 0.2, 0.5}, {0.0, 0.7, 0.5}, {0.0, 0.0, 0.3}, {false, false, true});
  const auto plain = MakePairwiseLoss("bradley_terry");
  const double d0 = 1.0, d1 = -0.5, d2 = -0.3;
  const double expected = (-std::log(Sigmoid(d0)) - std::log(Sigmoid(d1)) -
                           0.5 * std::log(Sigmoid(d2)) - 0.5 * std::log(Sigmoid(-d2))) /
                          3;
  EXPECT_NEAR((*plain)(p).item<double>(), expected, 1e-12);
  const auto smooth =
      MakePairwiseLoss("bradley_terry(label_smoothing=0.1, center_rewards_coefficient=0.01)");
  const double smoothed = (0.9 * -std::log(Sigmoid(d0)) + 0.1 * -std::log(Sigmoid(-d0)) +
                           0.9 * -std::log(Sigmoid(d1)) + 0.1 * -std::log(Sigmoid(-d1)) +
                           0.5 * -std::log(Sigmoid(d2)) + 0.5 * -std::log(Sigmoid(-d2))) /
                              3 +
                          0.01 * (1.0 + 0.81 + 1.0) / 3;
  EXPECT_NEAR((*smooth)(p).item<double>(), smoothed, 1e-12);
  ExpectGradientsMatch(*plain, p);
  ExpectGradientsMatch(*smooth, p);
}

TEST(PreferenceLosses, RaoKupperClosedForm) {
  const auto p = Pairs({1.0, 0.4}, {0.5, 0.1}, {0.0, 0.0}, {false, true});
  const double theta = 2.0, lt = std::log(theta);
  const double win = Sigmoid(0.5 - lt);
  const double tie = 1 - Sigmoid(0.3 - lt) - Sigmoid(-0.3 - lt);
  // The same tie probability from the paper's form with pi = e^r.
  const double pi_c = std::exp(0.4), pi_r = std::exp(0.1);
  EXPECT_NEAR(tie,
              (theta * theta - 1) * pi_c * pi_r / ((pi_c + theta * pi_r) * (pi_r + theta * pi_c)),
              1e-12);
  const auto loss = MakePairwiseLoss("rao_kupper(theta=2)");
  EXPECT_NEAR((*loss)(p).item<double>(), -(std::log(win) + std::log(tie)) / 2, 1e-12);
  ExpectGradientsMatch(*loss, p);
}

TEST(PreferenceLosses, DavidsonClosedForm) {
  const auto p = Pairs({1.0, 0.4}, {0.5, 0.1}, {0.0, 0.0}, {false, true});
  const double nu = 0.7;
  const auto prob = [&](double c, double r, bool tie) {
    const double t = nu * std::exp((c + r) / 2), d = std::exp(c) + std::exp(r) + t;
    return tie ? t / d : std::exp(c) / d;
  };
  const auto loss = MakePairwiseLoss("davidson(nu=0.7)");
  EXPECT_NEAR((*loss)(p).item<double>(),
              -(std::log(prob(1.0, 0.5, false)) + std::log(prob(0.4, 0.1, true))) / 2, 1e-12);
  ExpectGradientsMatch(*loss, p);
}

TEST(PreferenceLosses, PlackettLuceClosedFormAndPairCase) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor r = torch::tensor({{2.0, 1.0, -1.0}}, opts);
  const double e2 = std::exp(2.0), e1 = std::exp(1.0), em = std::exp(-1.0);
  const double expected = -std::log(e2 / (e2 + e1 + em)) - std::log(e1 / (e1 + em));
  EXPECT_NEAR(PlackettLuceLoss(r).item<double>(), expected, 1e-12);
  // With two responses it is Bradley-Terry.
  const torch::Tensor pair = torch::tensor({{0.3, 1.1}}, opts);
  EXPECT_NEAR(PlackettLuceLoss(pair).item<double>(), -std::log(Sigmoid(0.3 - 1.1)), 1e-12);
}

TEST(PreferenceLosses, BadSpecsAndShapes) {
  EXPECT_NE(testing::ErrorOf([] { MakePairwiseLoss("rao_kupper(theta=0.5)"); }).find("theta"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakePairwiseLoss("hinge"); }).find("davidson"),
            std::string::npos);
  const auto loss = MakePairwiseLoss("bradley_terry");
  PairRewards p = Pairs({1.0}, {0.0, 1.0}, {0.0}, {false});
  EXPECT_NE(testing::ErrorOf([&] { (*loss)(p); }).find("[B]"), std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
