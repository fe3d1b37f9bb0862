// TRL's DPOTrainer loss types: each loss's value on fixed pairs equals TRL's formula written out
// here in double precision (per pair for the losses that are a mean of per-pair values, on the
// whole batch for those that look at the batch), to 1e-9; bco_pair's running mean moves on
// training batches only and survives a checkpoint; label smoothing reaches only the losses
// that TRL gives it.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "numeric_support.h"
#include "rlab/core/checkpoint.h"
#include "rlab/prefopt/dpo_losses.h"
#include "test_support.h"

// A named namespace of its own: the unity build compiles this file with other tests.
namespace rlab::prefopt::trl_losses_test {
namespace {

using testing::kDouble;
using testing::Sigmoid;

constexpr double kTol = 1e-9;
constexpr double kBeta = 0.5;

// One pair: the policy's and the reference's summed log-probs and the completion lengths.
struct Pair {
  double c, r, ref_c, ref_r, len_c, len_r;
  double ChosenRatio() const { return c - ref_c; }
  double RejectedRatio() const { return r - ref_r; }
  double H() const { return ChosenRatio() - RejectedRatio(); }
};

const std::vector<Pair> kPairs = {
    {-6.0, -7.5, -6.5, -7.0, 4, 5}, {-3.0, -2.5, -3.2, -2.9, 3, 2}, {-9.0, -4.0, -4.0, -8.5, 6, 3}};

double LogSig(double x) { return std::log(Sigmoid(x)); }

PreferenceLogps Batch(const std::vector<Pair>& pairs) {
  std::vector<double> c, r, rc, rr, lc, lr;
  for (const Pair& p : pairs) {
    c.push_back(p.c);
    r.push_back(p.r);
    rc.push_back(p.ref_c);
    rr.push_back(p.ref_r);
    lc.push_back(p.len_c);
    lr.push_back(p.len_r);
  }
  const auto t = [](const std::vector<double>& v) { return torch::tensor(v, kDouble); };
  return {t(c), t(r), t(rc), t(rr), t(lc), t(lr)};
}

double LossOn(const DpoLoss& loss, const std::vector<Pair>& pairs) {
  return loss(Batch(pairs)).loss.item<double>();
}

// Each pair alone gives per_pair(pair), and the batch of all three their mean.
template <class F>
void ExpectPerPair(const std::string& spec, F per_pair) {
  const auto loss = MakeDpoLoss(spec);
  double mean = 0.0;
  for (const Pair& p : kPairs) {
    EXPECT_NEAR(LossOn(*loss, {p}), per_pair(p), kTol) << spec;
    mean += per_pair(p) / static_cast<double>(kPairs.size());
  }
  EXPECT_NEAR(LossOn(*loss, kPairs), mean, kTol) << spec;
}

TEST(TrlDpoLosses, SigmoidTakesNoLabelSmoothingAndCdpoIsTheSmoothedOne) {
  ExpectPerPair("sigmoid(beta=0.5)", [](const Pair& p) { return -LogSig(kBeta * p.H()); });
  EXPECT_NE(
      testing::ErrorOf([] { MakeDpoLoss("sigmoid(label_smoothing=0.1)"); }).find("label_smoothing"),
      std::string::npos);
  ExpectPerPair("cdpo(beta=0.5, label_smoothing=0.2)", [](const Pair& p) {
    return -0.8 * LogSig(kBeta * p.H()) - 0.2 * LogSig(-kBeta * p.H());
  });
  EXPECT_NE(testing::ErrorOf([] { MakeDpoLoss("cdpo(label_smoothing=0)"); }).find("sigmoid"),
            std::string::npos);
}

TEST(TrlDpoLosses, ExoPairIsTheKlFromThePairPreferenceToTheSmoothedLabel) {
  ExpectPerPair("exo_pair(beta=0.5, label_smoothing=0.01)", [](const Pair& p) {
    const double win = Sigmoid(kBeta * p.H()), lose = 1 - win;
    return win * (std::log(win) - std::log(0.99)) + lose * (std::log(lose) - std::log(0.01));
  });
  EXPECT_NE(testing::ErrorOf([] { MakeDpoLoss("exo_pair(label_smoothing=0)"); }).find("0.001"),
            std::string::npos);
}

TEST(TrlDpoLosses, NcaPairSppoHardApoDown) {
  ExpectPerPair("nca_pair(beta=0.5)", [](const Pair& p) {
    const double a = kBeta * p.ChosenRatio(), b = kBeta * p.RejectedRatio();
    return -LogSig(a) - 0.5 * LogSig(-a) - 0.5 * LogSig(-b);
  });
  ExpectPerPair("sppo_hard(beta=0.5)", [](const Pair& p) {
    return std::pow(p.ChosenRatio() - 0.5 / kBeta, 2) +
           std::pow(p.RejectedRatio() + 0.5 / kBeta, 2);
  });
  ExpectPerPair("apo_down(beta=0.5)", [](const Pair& p) {
    return Sigmoid(kBeta * p.ChosenRatio()) + 1 - Sigmoid(kBeta * p.H());
  });
}

TEST(TrlDpoLosses, DiscoPopBlendsLogisticAndExponentialLosses) {
  for (const double tau : {0.05, 2.0}) {
    ExpectPerPair(fmt::format("discopop(beta=0.5, tau={})", tau), [tau](const Pair& p) {
      const double z = kBeta * p.H(), m = Sigmoid(z / tau);
      return -LogSig(z) * (1 - m) + std::exp(-z) * m;
    });
  }
}

TEST(TrlDpoLosses, SigmoidNormUsesLengthNormalisedLogRatiosAndLogsUnnormalisedRewards) {
  ExpectPerPair("sigmoid_norm(beta=0.5)", [](const Pair& p) {
    return -LogSig(kBeta * (p.ChosenRatio() / p.len_c - p.RejectedRatio() / p.len_r));
  });
  const DpoLossOutput out = (*MakeDpoLoss("sigmoid_norm(beta=0.5)"))(Batch(kPairs));
  EXPECT_NEAR(out.chosen_rewards[2].item<double>(), kBeta * kPairs[2].ChosenRatio(), kTol);
}

// The smoothed logistic loss of the sorted differences, averaged.
double SortedLogistic(std::vector<double> a, std::vector<double> b, double eps) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  double sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double z = kBeta * (a[i] - b[i]);
    sum += -(1 - eps) * LogSig(z) - eps * LogSig(-z);
  }
  return sum / static_cast<double>(a.size());
}

TEST(TrlDpoLosses, AotSortsPolicyAndReferenceMarginsAcrossTheBatch) {
  std::vector<double> policy, reference, chosen, rejected;
  for (const Pair& p : kPairs) {
    policy.push_back(p.c - p.r);
    reference.push_back(p.ref_c - p.ref_r);
    chosen.push_back(p.ChosenRatio());
    rejected.push_back(p.RejectedRatio());
  }
  for (const double eps : {0.0, 0.1}) {
    const auto aot = MakeDpoLoss(fmt::format("aot(beta=0.5, label_smoothing={})", eps));
    EXPECT_NEAR(LossOn(*aot, kPairs), SortedLogistic(policy, reference, eps), kTol);
    const auto unpaired =
        MakeDpoLoss(fmt::format("aot_unpaired(beta=0.5, label_smoothing={})", eps));
    EXPECT_NEAR(LossOn(*unpaired, kPairs), SortedLogistic(chosen, rejected, eps), kTol);
  }
  // Sorting couples the pairs: the batch is not the mean of the pairs alone.
  const auto aot = MakeDpoLoss("aot(beta=0.5)");
  double alone = 0.0;
  for (const Pair& p : kPairs) alone += LossOn(*aot, {p}) / 3;
  EXPECT_GT(std::abs(LossOn(*aot, kPairs) - alone), 1e-3);
}

TEST(TrlDpoLosses, SftIsTheChosenNllPerTokenOverTheBatch) {
  const auto sft = MakeDpoLoss("sft");
  EXPECT_FALSE(sft->NeedsReference());
  double logps = 0.0, tokens = 0.0;
  for (const Pair& p : kPairs) {
    logps += p.c;
    tokens += p.len_c;
  }
  EXPECT_NEAR(LossOn(*sft, kPairs), -logps / tokens, kTol);
  EXPECT_NEAR(LossOn(*sft, {kPairs[1]}), -kPairs[1].c / kPairs[1].len_c, kTol);
}

// bco_pair's value on `pairs` with the rewards shifted by `delta`.
double BcoValue(const std::vector<Pair>& pairs, double delta) {
  double sum = 0.0;
  for (const Pair& p : pairs) {
    sum += -LogSig(kBeta * p.ChosenRatio() - delta) - LogSig(-(kBeta * p.RejectedRatio() - delta));
  }
  return sum / static_cast<double>(pairs.size());
}

// The mean of the 2B implicit rewards of a batch.
double RewardMean(const std::vector<Pair>& pairs) {
  double sum = 0.0;
  for (const Pair& p : pairs) sum += kBeta * (p.ChosenRatio() + p.RejectedRatio());
  return sum / (2.0 * static_cast<double>(pairs.size()));
}

TEST(TrlDpoLosses, BcoPairShiftsByTheRunningMeanOfTrainingBatchesRewards) {
  const std::vector<Pair> first = {kPairs[0], kPairs[1]}, second = {kPairs[2]};
  const auto bco = MakeDpoLoss("bco_pair(beta=0.5)");
  const double m1 = RewardMean(first), m2 = RewardMean(second);
  EXPECT_NEAR(LossOn(*bco, first), BcoValue(first, m1), kTol);  // updated before use
  EXPECT_NEAR(LossOn(*bco, second), BcoValue(second, (m1 + m2) / 2), kTol);
  {
    const torch::NoGradGuard evaluation;  // held-out passes read the mean, do not move it
    EXPECT_NEAR(LossOn(*bco, first), BcoValue(first, (m1 + m2) / 2), kTol);
  }
  EXPECT_NEAR(LossOn(*bco, first), BcoValue(first, (2 * m1 + m2) / 3), kTol);
  // TRL's rewritten trainer: no shift.
  EXPECT_NEAR(LossOn(*MakeDpoLoss("bco_pair(beta=0.5, running_mean=false)"), first),
              BcoValue(first, 0.0), kTol);
}

TEST(TrlDpoLosses, BcoPairRunningMeanIsRestoredFromACheckpoint) {
  testing::ScratchDir dir("bco_pair_checkpoint");
  const auto trained = MakeDpoLoss("bco_pair(beta=0.5)");
  LossOn(*trained, {kPairs[0]});
  LossOn(*trained, {kPairs[1]});
  CheckpointState saved;
  trained->AddStateTo(saved, "objective.");
  const auto file = dir.path() / "state.pt";
  saved.Save(file, {{"step", 2}});
  const auto resumed = MakeDpoLoss("bco_pair(beta=0.5)");
  CheckpointState restored;
  resumed->AddStateTo(restored, "objective.");
  restored.Load(file);
  EXPECT_EQ(LossOn(*resumed, {kPairs[2]}), LossOn(*trained, {kPairs[2]}));
}

}  // namespace
}  // namespace rlab::prefopt::trl_losses_test
