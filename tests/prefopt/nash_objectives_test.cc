// The general-preference online objectives (sppo, gpo, spo, inpo, dno, nash_md): each loss
// equals its paper's formula written out on a hand-built batch; a sample that wins more gets
// its log-prob raised by every one of them; a group whose preferences are all 1/2 gives no
// gradient; the group sizes and opponents they ask for; and bad settings are refused naming the
// key.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "numeric_support.h"
#include "rlab/core/check.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/group_preferences.h"
#include "test_support.h"

// A namespace of its own: the area's tests compile together (unity build).
namespace rlab::prefopt::nash_objectives_test {
namespace {

using rlab::testing::kDouble;
using rlab::testing::LogSigmoid;

double Metric(const OnlineLoss& r, const std::string& name) {
  for (const auto& [k, v] : r.metrics) {
    if (k == name) return v;
  }
  ADD_FAILURE() << name << " missing";
  return std::nan("");
}

// `fn` throws an rlab::Error whose message holds `part`.
void ExpectRefused(const std::function<void()>& fn, const std::string& part) {
  const std::string message = rlab::testing::ErrorOf(fn);
  EXPECT_TRUE(rlab::testing::Contains(message, part))
      << "message '" << message << "' lacks '" << part << "'";
}

// One prompt, three samples: sample 0 beats both others, sample 1 loses to both.
// Win rates against the rest of the group: 0.7, 0.25, 0.55.
torch::Tensor ThreeSamplePreference() {
  return torch::tensor({{0.5, 0.8, 0.6}, {0.2, 0.5, 0.3}, {0.4, 0.7, 0.5}}, kDouble)
      .view({1, 3, 3});
}

OnlineBatch Batch(const torch::Tensor& preference, std::vector<double> logps,
                  std::vector<double> old_logps, std::vector<double> ref_logps) {
  const int64_t P = preference.size(0), G = preference.size(1);
  OnlineBatch b;
  b.logps = torch::tensor(logps, kDouble).view({P, G}).requires_grad_(true);
  b.old_logps = torch::tensor(old_logps, kDouble).view({P, G});
  b.ref_logps = torch::tensor(ref_logps, kDouble).view({P, G});
  b.tokens = torch::full({P, G}, 4.0, kDouble);
  b.preference = preference;
  return b;
}

// The gradient of `spec`'s loss in the log-probs [P, G].
torch::Tensor Gradient(const std::string& spec, const OnlineBatch& batch) {
  const OnlineLoss out = MakeOnlineObjective(spec)->Loss(batch);
  out.loss.backward();
  return batch.logps.grad().clone();
}

TEST(GroupPreferences, WinRatesAverageOverTheOtherSamplesOnly) {
  rlab::testing::ExpectValues(GroupWinRates(ThreeSamplePreference())[0], {0.7, 0.25, 0.55});
  const BestAndWorst bw = BestAndWorstByWinRate(GroupWinRates(ThreeSamplePreference()));
  EXPECT_EQ(bw.best.item<int64_t>(), 0);
  EXPECT_EQ(bw.worst.item<int64_t>(), 1);
  EXPECT_DOUBLE_EQ(PairPreference(ThreeSamplePreference(), bw.best, bw.worst).item<double>(), 0.8);
  EXPECT_THROW(GroupWinRates(torch::full({2, 1, 1}, 0.5, kDouble)), Error);
}

TEST(NashObjectives, SppoRegressesTheLogRatioOnTheCentredWinRate) {
  const OnlineBatch b = Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1.5, -2, -2.5}, {0, 0, 0});
  const OnlineLoss out = MakeOnlineObjective("sppo(eta=2)")->Loss(b);
  const std::vector<double> log_ratio = {0.5, 0.0, -0.5}, win = {0.7, 0.25, 0.55};
  double want = 0;
  for (int i = 0; i < 3; ++i) want += std::pow(log_ratio[i] - 2 * (win[i] - 0.5), 2) / 3;
  EXPECT_NEAR(out.loss.item<double>(), want, 1e-12);
  EXPECT_NEAR(Metric(out, "log_ratio"), 0.0, 1e-12);
  EXPECT_NEAR(Metric(out, "win_rate_spread"), 0.7 - 0.25, 1e-12);
}

TEST(NashObjectives, GpoRegressesOnTheMeanPreferenceScore) {
  const OnlineBatch b = Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1.5, -2, -2.5}, {0, 0, 0});
  const OnlineLoss out = MakeOnlineObjective("gpo(eta=0.5)")->Loss(b);
  const auto logit = [](double p) { return std::log(p / (1 - p)); };
  const std::vector<double> score = {(logit(0.8) + logit(0.6)) / 2, (logit(0.2) + logit(0.3)) / 2,
                                     (logit(0.4) + logit(0.7)) / 2};
  const std::vector<double> log_ratio = {0.5, 0.0, -0.5};
  double want = 0;
  for (int i = 0; i < 3; ++i) want += std::pow(log_ratio[i] - 0.5 * score[i], 2) / 3;
  EXPECT_NEAR(out.loss.item<double>(), want, 1e-12);
  // A judge that decides outright gives the score at max_score, not an infinity.
  const torch::Tensor hard = torch::tensor({{0.5, 1.0}, {0.0, 0.5}}, kDouble).view({1, 2, 2});
  const OnlineBatch h = Batch(hard, {0, 0}, {0, 0}, {0, 0});
  const OnlineLoss bounded = MakeOnlineObjective("gpo(eta=1, max_score=3)")->Loss(h);
  EXPECT_NEAR(bounded.loss.item<double>(), 9.0, 1e-9);
}

TEST(NashObjectives, SpoIsAClippedPolicyGradientOnWinRatesWithAKlPenalty) {
  // At the first update (pi = pi_t) the gradient is -A_i / (P G), A the win rate less the KL
  // term, centred in the group.
  const OnlineBatch b =
      Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1, -2, -3}, {-1.5, -2.0, -2.0});
  const torch::Tensor grad = Gradient("spo(beta=0.2)", b);
  std::vector<double> reward = {0.7 - 0.2 * 0.5, 0.25 - 0.0, 0.55 + 0.2 * 1.0};
  const double mean = (reward[0] + reward[1] + reward[2]) / 3;
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(grad[0][i].item<double>(), -(reward[i] - mean) / 3, 1e-12);
  // A sample whose ratio already left the clip range on its advantage's side gets no gradient.
  const OnlineBatch moved =
      Batch(ThreeSamplePreference(), {-0.5, -2, -3}, {-1, -2, -3}, {-1, -2, -3});
  const torch::Tensor clipped = Gradient("spo(beta=0, clip=0.2)", moved);
  EXPECT_EQ(clipped[0][0].item<double>(), 0.0);
  EXPECT_NE(clipped[0][1].item<double>(), 0.0);
}

TEST(NashObjectives, InpoFitsTheMirrorDescentStepOnPairs) {
  const OnlineBatch b =
      Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1.5, -2, -2.5}, {-1.2, -2.4, -2.0});
  const double eta = 2, tau = 0.25, w = eta * tau;
  // h(y, y') = log pi ratio - eta tau log ref ratio - (1 - eta tau) log pi_t ratio.
  const auto h = [&](int i, int j) {
    const std::vector<double> l = {-1, -2, -3}, o = {-1.5, -2, -2.5}, r = {-1.2, -2.4, -2.0};
    return (l[i] - l[j]) - w * (r[i] - r[j]) - (1 - w) * (o[i] - o[j]);
  };
  const OnlineLoss best_worst = MakeOnlineObjective("inpo(eta=2, tau=0.25)")->Loss(b);
  EXPECT_NEAR(best_worst.loss.item<double>(), std::pow(h(0, 1) - eta * (0.8 - 0.5), 2), 1e-12);
  EXPECT_NEAR(Metric(best_worst, "pair_preference"), 0.8, 1e-12);
  // Every pair, the one with the higher win rate first: (0, 1), (2, 1), (0, 2).
  const OnlineLoss all = MakeOnlineObjective("inpo(eta=2, tau=0.25, pairs=all)")->Loss(b);
  const double want = (std::pow(h(0, 1) - eta * 0.3, 2) + std::pow(h(2, 1) - eta * 0.2, 2) +
                       std::pow(h(0, 2) - eta * 0.1, 2)) /
                      3;
  EXPECT_NEAR(all.loss.item<double>(), want, 1e-12);
}

TEST(NashObjectives, DnoContrastsBestAndWorstAgainstTheSamplingPolicyAboveTheMargin) {
  // Prompt 0: the group of ThreeSamplePreference (gap 0.45); prompt 1: nearly tied (gap 0.1).
  const torch::Tensor near_tie =
      torch::tensor({{0.5, 0.55, 0.5}, {0.45, 0.5, 0.5}, {0.5, 0.5, 0.5}}, kDouble).view({1, 3, 3});
  const torch::Tensor preference = torch::cat({ThreeSamplePreference(), near_tie});
  const OnlineBatch b =
      Batch(preference, {-1, -2, -3, -1, -1, -1}, {-1.5, -2, -2.5, -1, -1, -1}, {9, 9, 9, 9, 9, 9});
  const OnlineLoss out = MakeOnlineObjective("dno(beta=0.5, margin=0.2)")->Loss(b);
  const double h = (-1 + 1.5) - (-2 + 2);  // best 0, worst 1 of prompt 0; the reference unused
  EXPECT_NEAR(out.loss.item<double>(), -LogSigmoid(0.5 * h), 1e-12);
  EXPECT_NEAR(Metric(out, "pairs_kept"), 0.5, 1e-12);
  EXPECT_NEAR(Metric(out, "rewards/margins"), 0.5 * h, 1e-12);
  const OnlineLoss both = MakeOnlineObjective("dno(beta=0.5, margin=0.05)")->Loss(b);
  EXPECT_NEAR(both.loss.item<double>(), -(LogSigmoid(0.5 * h) + LogSigmoid(0.0)) / 2, 1e-12);
}

TEST(NashObjectives, NashMdIsReinforceAgainstTheMixtureWithAKlPenalty) {
  OnlineBatch b = Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1, -2, -3}, {-1.5, -2, -2.5});
  b.opponent_preference = torch::tensor({0.9, 0.7, 0.2, 0.4, 0.5, 0.5}, kDouble).view({1, 3, 2});
  const auto objective = MakeOnlineObjective("nash_md(beta=0.3, mixture_coef=0.25)");
  const OnlineLoss out = objective->Loss(b);
  const std::vector<double> l = {-1, -2, -3}, r = {-1.5, -2, -2.5}, p = {0.8, 0.3, 0.5};
  double want = 0;
  for (int i = 0; i < 3; ++i) want += (0.3 * (l[i] - r[i]) * l[i] - (p[i] - 0.5) * l[i]) / 3;
  EXPECT_NEAR(out.loss.item<double>(), want, 1e-12);
  EXPECT_NEAR(Metric(out, "rewards/probabilities"), (0.8 + 0.3 + 0.5) / 3, 1e-12);
  out.loss.backward();
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(b.logps.grad()[0][i].item<double>(), (0.3 * (l[i] - r[i]) - (p[i] - 0.5)) / 3,
                1e-12);
  }
  const OnlineNeeds needs = objective->Needs();
  EXPECT_EQ(needs.opponent, "mixture");
  EXPECT_DOUBLE_EQ(needs.mixture_alpha, 0.25);
  EXPECT_EQ(needs.min_group, 1);
  OnlineBatch without = Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1, -2, -3}, {0, 0, 0});
  ExpectRefused([&] { objective->Loss(without); }, "mixture");
}

const std::vector<std::string> kSpecs = {"sppo", "gpo",    "spo", "inpo", "inpo(pairs=all)",
                                         "dno",  "nash_md"};

// The opponent column the Nash-MD objective reads: each sample's win rate against its group.
OnlineBatch WithOpponent(OnlineBatch b) {
  b.opponent_preference = GroupWinRates(b.preference).unsqueeze(2);  // [P, G, 1]
  return b;
}

TEST(NashObjectives, ASampleThatWinsMoreHasItsLogProbRaised) {
  for (const std::string& spec : kSpecs) {
    const OnlineBatch b =
        WithOpponent(Batch(ThreeSamplePreference(), {-1, -2, -3}, {-1, -2, -3}, {-1, -2, -3}));
    const torch::Tensor grad = Gradient(spec, b);  // descent raises logp where grad < 0
    EXPECT_LT(grad[0][0].item<double>(), 0.0) << spec << ": the best sample";
    EXPECT_GT(grad[0][1].item<double>(), 0.0) << spec << ": the worst sample";
  }
}

TEST(NashObjectives, AllEqualPreferencesGiveNoGradientAtTheSamplingPolicy) {
  for (const std::string& spec : kSpecs) {
    const OnlineBatch b =
        WithOpponent(Batch(torch::full({2, 3, 3}, 0.5, kDouble), {-1, -2, -3, -4, -5, -6},
                           {-1, -2, -3, -4, -5, -6}, {-1, -2, -3, -4, -5, -6}));
    const torch::Tensor grad = Gradient(spec, b);
    EXPECT_EQ(grad.abs().max().item<double>(), 0.0) << spec;
  }
}

TEST(NashObjectives, GroupSizesAndBadSettingsAreRefusedNamingTheKey) {
  for (const std::string spec : {"sppo", "gpo", "spo", "inpo", "dno"}) {
    EXPECT_EQ(MakeOnlineObjective(spec)->Needs().min_group, 2) << spec;
    EXPECT_TRUE(MakeOnlineObjective(spec)->Needs().opponent.empty()) << spec;
  }
  ExpectRefused([] { MakeOnlineObjective("sppo(eta=0)"); }, "eta");
  ExpectRefused([] { MakeOnlineObjective("gpo(max_score=-1)"); }, "max_score");
  ExpectRefused([] { MakeOnlineObjective("spo(clip=1.5)"); }, "clip");
  ExpectRefused([] { MakeOnlineObjective("inpo(eta=2, tau=1)"); }, "tau");
  ExpectRefused([] { MakeOnlineObjective("inpo(pairs=some)"); }, "pairs");
  ExpectRefused([] { MakeOnlineObjective("dno(margin=1)"); }, "margin");
  ExpectRefused([] { MakeOnlineObjective("nash_md(mixture_coef=2)"); }, "mixture_coef");
  ExpectRefused([] { MakeOnlineObjective("sppo(beta=1)"); }, "eta");
}

}  // namespace
}  // namespace rlab::prefopt::nash_objectives_test
