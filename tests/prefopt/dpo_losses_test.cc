// DPO-family losses: each equals its closed form on hand-made log-probs (double precision),
// and its gradient with respect to the policy's log-probs matches central finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/prefopt/dpo_losses.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::prefopt {
namespace {

using testing::kDouble;
using testing::LogSigmoid;
using testing::Sigmoid;

// Two pairs: policy and reference log-probs of chosen and rejected completions, lengths 4, 2.
const std::vector<double> kC = {-6.0, -3.0}, kR = {-7.5, -2.5}, kRc = {-6.5, -3.2},
                          kRr = {-7.0, -2.9}, kLc = {4, 3}, kLr = {5, 2};

PreferenceLogps Logps() {
  return {torch::tensor(kC, kDouble),  torch::tensor(kR, kDouble),  torch::tensor(kRc, kDouble),
          torch::tensor(kRr, kDouble), torch::tensor(kLc, kDouble), torch::tensor(kLr, kDouble)};
}

// The expected batch mean of f(i) over the two pairs.
template <class F>
double Mean(F f) {
  return (f(0) + f(1)) / 2;
}

double H(int i) { return (kC[i] - kR[i]) - (kRc[i] - kRr[i]); }

void ExpectLoss(const std::string& spec, double expected) {
  const auto loss = MakeDpoLoss(spec);
  EXPECT_NEAR((*loss)(Logps()).loss.item<double>(), expected, 1e-12) << spec;
  // Gradient with respect to the policy's chosen and rejected log-probs.
  PreferenceLogps p = Logps();
  p.chosen.requires_grad_(true);
  p.rejected.requires_grad_(true);
  const auto grads = torch::autograd::grad({(*loss)(p).loss}, {p.chosen, p.rejected});
  const double h = 1e-6;
  for (int which = 0; which < 2; ++which) {
    for (int i = 0; i < 2; ++i) {
      PreferenceLogps plus = Logps(), minus = Logps();
      (which == 0 ? plus.chosen : plus.rejected)[i] += h;
      (which == 0 ? minus.chosen : minus.rejected)[i] -= h;
      const double numeric =
          ((*loss)(plus).loss.item<double>() - (*loss)(minus).loss.item<double>()) / (2 * h);
      EXPECT_NEAR(grads[which][i].item<double>(), numeric, 1e-6) << spec << " " << which << i;
    }
  }
}

TEST(DpoLosses, SigmoidRobustHingeMatchTheirClosedForms) {
  const double b = 0.1, eps = 0.2;
  ExpectLoss("sigmoid", Mean([&](int i) { return -LogSigmoid(b * H(i)); }));
  ExpectLoss("cdpo(beta=0.1, label_smoothing=0.2)", Mean([&](int i) {
               return -(1 - eps) * LogSigmoid(b * H(i)) - eps * LogSigmoid(-b * H(i));
             }));
  ExpectLoss("robust(label_smoothing=0.2)", Mean([&](int i) {
               return (-(1 - eps) * LogSigmoid(b * H(i)) + eps * LogSigmoid(-b * H(i))) /
                      (1 - 2 * eps);
             }));
  ExpectLoss("hinge(beta=2)", Mean([&](int i) { return std::max(0.0, 1 - 2 * H(i)); }));
}

TEST(DpoLosses, IpoRpoApoZeroMatchTheirClosedForms) {
  const double b = 0.1;
  ExpectLoss("ipo", Mean([&](int i) {
               const double h = (kC[i] - kRc[i]) / kLc[i] - (kR[i] - kRr[i]) / kLr[i];
               return std::pow(h - 1 / (2 * b), 2);
             }));
  ExpectLoss("rpo(alpha=0.5)",
             Mean([&](int i) { return -LogSigmoid(b * H(i)) + 0.5 * (-kC[i] / kLc[i]); }));
  ExpectLoss("apo_zero", Mean([&](int i) {
               return 1 - Sigmoid(b * (kC[i] - kRc[i])) + Sigmoid(b * (kR[i] - kRr[i]));
             }));
}

TEST(DpoLosses, ReferenceFreeSimPoAndOrPo) {
  ExpectLoss("simpo(beta=2, gamma=0.5)",
             Mean([&](int i) { return -LogSigmoid(2 * (kC[i] / kLc[i] - kR[i] / kLr[i]) - 0.5); }));
  ExpectLoss("orpo(beta=0.1)", Mean([&](int i) {
               const double c = kC[i] / kLc[i], r = kR[i] / kLr[i];
               const double log_odds =
                   (c - std::log1p(-std::exp(c))) - (r - std::log1p(-std::exp(r)));
               return -c - 0.1 * LogSigmoid(log_odds);
             }));
  EXPECT_FALSE(MakeDpoLoss("simpo")->NeedsReference());
  EXPECT_TRUE(MakeDpoLoss("sigmoid")->NeedsReference());
}

TEST(DpoLosses, RewardsAreBetaTimesTheLogRatios) {
  const auto out = (*MakeDpoLoss("sigmoid(beta=0.5)"))(Logps());
  EXPECT_NEAR(out.chosen_rewards[0].item<double>(), 0.5 * (kC[0] - kRc[0]), 1e-12);
  EXPECT_NEAR(out.rejected_rewards[1].item<double>(), 0.5 * (kR[1] - kRr[1]), 1e-12);
}

TEST(DpoLosses, WeightedCombinationSumsItsParts) {
  const auto combined = MakeWeightedDpoLoss({{"sigmoid", 0.7}, {"simpo", 0.3}});
  EXPECT_TRUE(combined->NeedsReference());
  const double expected = 0.7 * (*MakeDpoLoss("sigmoid"))(Logps()).loss.item<double>() +
                          0.3 * (*MakeDpoLoss("simpo"))(Logps()).loss.item<double>();
  EXPECT_NEAR((*combined)(Logps()).loss.item<double>(), expected, 1e-12);
  EXPECT_NE(combined->Describe().find("0.3 * simpo"), std::string::npos);
  EXPECT_FALSE(MakeWeightedDpoLoss({{"simpo", 1.0}, {"orpo", 1.0}})->NeedsReference());
  EXPECT_NE(testing::ErrorOf([] {
              MakeWeightedDpoLoss({{"sigmoid", -1.0}});
            }).find(">= 0"),
            std::string::npos);
}

TEST(DpoLosses, BadSettingsAndMissingInputsAreClearErrors) {
  EXPECT_NE(testing::ErrorOf([] { MakeDpoLoss("sigmoid(beta=0)"); }).find("beta must be > 0"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeDpoLoss("nope"); }).find("orpo"), std::string::npos);
  PreferenceLogps p = Logps();
  p.ref_chosen = torch::Tensor();
  EXPECT_NE(testing::ErrorOf([&] { (*MakeDpoLoss("sigmoid"))(p); }).find("reference"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::prefopt
