// Preference objectives from the offline research beside TRL's list: MM-DPO's margin-scaled beta
// and VPO's value term each equal their formula written out here on fixed inputs (double
// precision, 1e-9), reduce to sigmoid DPO in their limits (w = 0, alpha = 0), and MM-DPO
// refuses data without margins, naming the fields that give them. Pairs carry their records'
// margins (or score differences) into the loss.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "rlab/prefopt/dpo_losses.h"
#include "rlab/prefopt/policy_units.h"
#include "rlab/prefopt/unit_rows.h"
#include "rlab/text/policy_preferences.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "numeric_support.h"
#include "sft_example_support.h"
#include "test_support.h"

namespace rlab::prefopt::offline_losses_test {
namespace {

using testing::kDouble;

// Three pairs: policy and reference log-probs of the chosen and rejected completions, and the
// data's reward margins (the last one negative: a label its scores contradict).
const std::vector<double> kC = {-6.0, -3.0, -4.0}, kR = {-7.5, -2.5, -4.4},
                          kRc = {-6.5, -3.2, -3.7}, kRr = {-7.0, -2.9, -4.6},
                          kMargins = {2.0, 0.25, -1.0};

PreferenceLogps Logps(bool with_margins = true) {
  const auto t = [](const std::vector<double>& v) { return torch::tensor(v, kDouble); };
  PreferenceLogps p{t(kC), t(kR), t(kRc), t(kRr), t({3, 3, 3}), t({2, 2, 2})};
  if (with_margins) p.margins = t(kMargins);
  return p;
}

// -log sigmoid(z), written out.
double NegLogSigmoid(double z) { return std::log(1.0 + std::exp(-z)); }
double ChosenRatio(int i) { return kC[i] - kRc[i]; }
double RejectedRatio(int i) { return kR[i] - kRr[i]; }
double H(int i) { return ChosenRatio(i) - RejectedRatio(i); }

double LossOf(const std::string& spec, const PreferenceLogps& p) {
  return (*MakeDpoLoss(spec))(p).loss.item<double>();
}

TEST(MmDpo, EachPairsBetaGrowsWithItsMarginAsTheFormulaSays) {
  const double beta = 0.2, w = 0.5, k = 0.7;
  double expected = 0;
  for (int i = 0; i < 3; ++i) {
    const double delta = kMargins[i] > 0 ? kMargins[i] : 0.0;
    const double pair_beta = beta * (1 + w * (1 - std::exp(-k * delta)));
    expected += NegLogSigmoid(pair_beta * H(i)) / 3;
  }
  EXPECT_NEAR(LossOf("mm_dpo(beta=0.2, w=0.5, k=0.7)", Logps()), expected, 1e-9);
  // The logged rewards are beta times the log-ratios, as sigmoid DPO logs them.
  const DpoLossOutput out = (*MakeDpoLoss("mm_dpo(beta=0.2, w=0.5, k=0.7)"))(Logps());
  EXPECT_NEAR(out.chosen_rewards[0].item<double>(), beta * ChosenRatio(0), 1e-12);
  EXPECT_NEAR(out.rejected_rewards[2].item<double>(), beta * RejectedRatio(2), 1e-12);
}

TEST(MmDpo, WithoutScalingItIsSigmoidDpo) {
  EXPECT_NEAR(LossOf("mm_dpo(beta=0.3, w=0)", Logps()), LossOf("sigmoid(beta=0.3)", Logps()),
              1e-15);
}

TEST(MmDpo, DataWithoutMarginsIsRefusedNamingTheFields) {
  const std::string msg = testing::ErrorOf([] { LossOf("mm_dpo", Logps(false)); });
  EXPECT_NE(msg.find("'margin'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'score_chosen'"), std::string::npos) << msg;
}

TEST(Vpo, PessimisticAndOptimisticValueTermsMatchTheFormula) {
  const double beta = 0.1, alpha = 0.5;
  for (const double sign : {-1.0, 1.0}) {
    double chosen = 0, pair = 0;
    for (int i = 0; i < 3; ++i) {
      const double dpo = NegLogSigmoid(beta * H(i));
      chosen += (dpo + sign * alpha * beta * ChosenRatio(i)) / 3;
      pair += (dpo + sign * alpha * beta * (ChosenRatio(i) + RejectedRatio(i)) / 2) / 3;
    }
    const std::string common = fmt::format("beta=0.1, alpha=0.5, sign={}", sign);
    EXPECT_NEAR(LossOf("vpo(" + common + ")", Logps()), chosen, 1e-9) << sign;
    EXPECT_NEAR(LossOf("vpo(" + common + ", calibration=pair)", Logps()), pair, 1e-9) << sign;
  }
}

TEST(Vpo, PessimismRaisesTheChosenLikelihoodAndAlphaZeroIsSigmoidDpo) {
  EXPECT_NEAR(LossOf("vpo(beta=0.1, alpha=0)", Logps()), LossOf("sigmoid(beta=0.1)", Logps()),
              1e-15);
  // d loss / d log pi(chosen_i) = DPO's gradient + sign alpha beta / B.
  for (const double sign : {-1.0, 1.0}) {
    PreferenceLogps p = Logps();
    p.chosen.requires_grad_(true);
    const auto spec = fmt::format("vpo(beta=0.1, alpha=2, sign={})", sign);
    const torch::Tensor grad = torch::autograd::grad({(*MakeDpoLoss(spec))(p).loss}, {p.chosen})[0];
    for (int i = 0; i < 3; ++i) {
      const double dpo = -0.1 * (1 - 1 / (1 + std::exp(-0.1 * H(i)))) / 3;
      EXPECT_NEAR(grad[i].item<double>(), dpo + sign * 2 * 0.1 / 3, 1e-12) << sign << i;
    }
  }
  EXPECT_NE(testing::ErrorOf([] { MakeDpoLoss("vpo(sign=0.5)"); }).find("sign"), std::string::npos);
}

TEST(PairMargins, RecordsCarryTheirMarginOrScoreDifferenceIntoPairs) {
  models::ByteTokenizer tokenizer;
  data::PreferenceRecord scored, given, bare;
  for (data::PreferenceRecord* r : {&scored, &given, &bare}) {
    r->prompt = "p";
    r->responses = {"good", "bad"};
    r->where = "test:1";
  }
  scored.score_chosen = 3.0;
  scored.score_rejected = 1.25;
  given.margin = 0.5;
  given.score_chosen = 9.0;  // an explicit margin wins over the scores
  given.score_rejected = 1.0;
  const auto examples = data::TokenizePolicyPreferences({scored, given, bare}, tokenizer, 64);
  ASSERT_EQ(examples.size(), 3u);
  const PolicyTrainingSet set = PairwiseUnits(examples);
  ASSERT_EQ(set.units.size(), 3u);
  EXPECT_EQ(set.units[0].margin, 1.75);
  EXPECT_EQ(set.units[1].margin, 0.5);
  EXPECT_FALSE(set.units[2].margin.has_value());

  const torch::Tensor like = torch::zeros({2}, torch::kFloat32);
  const torch::Tensor margins = UnitMargins({&set.units[0], &set.units[1]}, like);
  ASSERT_TRUE(margins.defined());
  EXPECT_TRUE(torch::equal(margins, torch::tensor({1.75, 0.5}, kDouble)));
  // One pair without a margin leaves the batch without margins, for the loss to refuse.
  EXPECT_FALSE(UnitMargins({&set.units[0], &set.units[2]}, like).defined());

  // Best-of-N records compare one chosen with several rejected: no single margin.
  const data::SftExample a = testing::PromptCompletion({1}, {2}),
                         b = testing::PromptCompletion({1}, {3}),
                         c = testing::PromptCompletion({1}, {4});
  const PolicyTrainingSet bon = PairwiseUnits({{{a, b, c}, false, "bon", 2.0}});
  ASSERT_EQ(bon.units.size(), 2u);
  EXPECT_FALSE(bon.units[0].margin.has_value());
}

}  // namespace
}  // namespace rlab::prefopt::offline_losses_test
