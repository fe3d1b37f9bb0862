// The self-rewarding online objectives (cream, rlsf, osp) on hand-built batches: each loss
// equals its defining formula on the pair its own ranking picks, CREAM's soft label is 1 at
// full agreement of the two rankings and 0 at full reversal, rlsf's pairs follow the chosen
// confidence, and osp's soft labels reach DPO at strength 1 and no gradient at strength 1/2.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "numeric_support.h"
#include "test_support.h"
#include "rlab/prefopt/online_objective.h"
#include "rlab/prefopt/online_objectives/self_judged_pairs.h"

namespace rlab::prefopt {
namespace {

using testing::kDouble;
using testing::LogSigmoid;

constexpr double kSelfJudgedTolerance = 1e-12;

// One prompt (P = 1) of G samples; the policy's log-probs carry the gradient.
OnlineBatch SelfJudgedBatch(const std::vector<double>& logps, const std::vector<double>& old,
                            const std::vector<double>& ref, const std::vector<double>& tokens) {
  OnlineBatch b;
  b.logps = torch::tensor(logps, kDouble).unsqueeze(0).requires_grad_(true);
  b.old_logps = torch::tensor(old, kDouble).unsqueeze(0);
  b.ref_logps = torch::tensor(ref, kDouble).unsqueeze(0);
  b.tokens = torch::tensor(tokens, kDouble).unsqueeze(0);
  const int64_t g = static_cast<int64_t>(logps.size());
  b.preference = torch::full({1, g, g}, 0.5, kDouble);
  return b;
}

std::map<std::string, double> Figures(const OnlineLoss& loss) {
  return {loss.metrics.begin(), loss.metrics.end()};
}

double Loss(const std::string& spec, const OnlineBatch& batch) {
  const OnlineLoss out = MakeOnlineObjective(spec)->Loss(batch);
  return out.loss.item<double>();
}

// The sample's log-ratio under the trained policy: log pi(y_g) - log ref(y_g).
double LogRatio(const OnlineBatch& b, int64_t g) {
  return (b.logps[0][g] - b.ref_logps[0][g]).item<double>();
}

TEST(SelfJudgedPairs, KendallTauBCountsConcordantPairsAndTies) {
  const auto a = torch::tensor({1.0, 2.0, 3.0, 4.0}, kDouble).unsqueeze(0);
  const auto b = torch::tensor({1.0, 3.0, 2.0, 4.0}, kDouble).unsqueeze(0);
  EXPECT_NEAR(KendallTauB(a, b).item<double>(), 4.0 / 6.0, kSelfJudgedTolerance);  // 5 - 1 of 6
  EXPECT_NEAR(KendallTauB(a, a).item<double>(), 1.0, kSelfJudgedTolerance);
  EXPECT_NEAR(KendallTauB(a, -a).item<double>(), -1.0, kSelfJudgedTolerance);
  // Tau-b with a tie in a: 2 concordant pairs over sqrt(2 untied in a * 3 untied in b).
  const auto tied = torch::tensor({1.0, 1.0, 2.0}, kDouble).unsqueeze(0);
  const auto ranks = torch::tensor({1.0, 2.0, 3.0}, kDouble).unsqueeze(0);
  EXPECT_NEAR(KendallTauB(tied, ranks).item<double>(), 2.0 / std::sqrt(6.0), kSelfJudgedTolerance);
  EXPECT_EQ(KendallTauB(torch::zeros_like(ranks), ranks).item<double>(), 0.0);
}

TEST(SelfJudgedPairs, RankedPairingMatchesBestWithWorstAndDropsTies) {
  // Scores of G = 5 samples: order 3, 0, 4, 1, 2 -> pairs (3, 2) and (0, 1).
  const OnlineBatch b =
      SelfJudgedBatch({0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1});
  const auto scores = torch::tensor({0.8, 0.2, 0.1, 0.9, 0.5}, kDouble).unsqueeze(0);
  const GroupPairs pairs = RankedPairs(b, scores);
  EXPECT_EQ(pairs.chosen.sizes(), torch::IntArrayRef({2}));
  EXPECT_EQ(pairs.chosen[0].item<int64_t>(), 3);
  EXPECT_EQ(pairs.rejected[0].item<int64_t>(), 2);
  EXPECT_EQ(pairs.chosen[1].item<int64_t>(), 0);
  EXPECT_EQ(pairs.rejected[1].item<int64_t>(), 1);
  const auto tied = torch::tensor({0.5, 0.9, 0.5, 0.1}, kDouble).unsqueeze(0);
  EXPECT_EQ(
      RankedPairs(SelfJudgedBatch({0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}), tied)
          .chosen.numel(),
      1);  // (1, 3) kept, the tied middle pair dropped
}

TEST(CreamObjective, ConsistencyIsOneAtFullAgreementAndZeroAtFullReversal) {
  const double beta = 0.5;
  // The reference ranks 0 > 1 > 2 by log-likelihood per token (all one token long).
  const std::vector<double> ref = {-1, -2, -3}, tokens = {1, 1, 1};
  const std::vector<double> agree = {2, 0, -2};   // r = beta * (3, 2, 1): 0 > 1 > 2
  const std::vector<double> reverse = {0, 0, 0};  // r = beta * (1, 2, 3): 2 > 1 > 0
  const std::vector<double> policy = {0.3, -1.1, -2.6};
  const std::string spec = "cream(beta=0.5)";

  const OnlineBatch a = SelfJudgedBatch(policy, agree, ref, tokens);
  const OnlineLoss agreed = MakeOnlineObjective(spec)->Loss(a);
  EXPECT_NEAR(Figures(agreed).at("cream/consistency"), 1.0, kSelfJudgedTolerance);
  // Full agreement: DPO on best (0) vs worst (2).
  EXPECT_NEAR(agreed.loss.item<double>(), -LogSigmoid(beta * (LogRatio(a, 0) - LogRatio(a, 2))),
              kSelfJudgedTolerance);

  const OnlineBatch r = SelfJudgedBatch(policy, reverse, ref, tokens);
  const OnlineLoss reversed = MakeOnlineObjective(spec)->Loss(r);
  EXPECT_NEAR(Figures(reversed).at("cream/consistency"), 0.0, kSelfJudgedTolerance);
  // Full reversal: the self-judged pair best (2) vs worst (0), trained the other way round.
  EXPECT_NEAR(reversed.loss.item<double>(), -LogSigmoid(-beta * (LogRatio(r, 2) - LogRatio(r, 0))),
              kSelfJudgedTolerance);
}

TEST(CreamObjective, PartialAgreementMixesBothDirections) {
  const double beta = 0.1;
  // Rewards rank 0 > 1 > 2 > 3; the reference per token ranks 0 > 2 > 1 > 3: tau = 4 / 6.
  const OnlineBatch b =
      SelfJudgedBatch({-1.0, -2.0, -3.5, -4.0}, {2, -1, -1, -4}, {-1, -3, -2, -4}, {1, 1, 1, 1});
  const double c = (4.0 / 6.0 + 1) / 2;
  const double z = beta * (LogRatio(b, 0) - LogRatio(b, 3));
  const OnlineLoss out = MakeOnlineObjective("cream(beta=0.1)")->Loss(b);
  EXPECT_NEAR(Figures(out).at("cream/consistency"), c, kSelfJudgedTolerance);
  EXPECT_NEAR(out.loss.item<double>(), -c * LogSigmoid(z) - (1 - c) * LogSigmoid(-z),
              kSelfJudgedTolerance);
}

TEST(CreamObjective, PolicyEqualToReferenceFormsNoPairAndNoGradient) {
  const OnlineBatch b = SelfJudgedBatch({-1, -2, -3}, {-1, -2, -3}, {-1, -2, -3}, {1, 2, 3});
  const OnlineLoss out = MakeOnlineObjective("cream")->Loss(b);
  EXPECT_EQ(out.loss.item<double>(), 0.0);
  EXPECT_EQ(Figures(out).at("pair/count"), 0.0);
  const auto grad = torch::autograd::grad({out.loss}, {b.logps})[0];
  EXPECT_EQ(grad.abs().sum().item<double>(), 0.0);
}

TEST(RlsfObjective, PairsFollowTheChosenConfidence) {
  const double beta = 0.1;
  // Sampling log-probs -4, -3, -9 over 4, 1, 2 tokens: per token -1, -3, -4.5.
  const OnlineBatch b =
      SelfJudgedBatch({-4.2, -2.5, -9.1}, {-4, -3, -9}, {-4.1, -3.3, -8.0}, {4, 1, 2});
  auto dpo = [&](int64_t c, int64_t r) {
    return -LogSigmoid(beta * (LogRatio(b, c) - LogRatio(b, r)));
  };
  EXPECT_NEAR(Loss("rlsf", b), dpo(0, 2), kSelfJudgedTolerance);  // per token: 0 best, 2 worst
  EXPECT_NEAR(Loss("rlsf(confidence=sum_logp)", b), dpo(1, 2), kSelfJudgedTolerance);
  const OnlineLoss all = MakeOnlineObjective("rlsf(pairs=all)")->Loss(b);
  EXPECT_EQ(Figures(all).at("pair/count"), 3.0);
  EXPECT_NEAR(all.loss.item<double>(), (dpo(0, 1) + dpo(0, 2) + dpo(1, 2)) / 3,
              kSelfJudgedTolerance);
}

TEST(OspObjective, SoftLabelsReachDpoAtOneAndNoGradientAtOneHalf) {
  const double beta = 0.1;
  // Judged: sample 0 beats 1 with probability q; both sampled, policy moved apart by h.
  auto batch = [](double q, const std::vector<double>& logps) {
    OnlineBatch b = SelfJudgedBatch(logps, {-2, -2}, {-2, -2}, {1, 1});
    b.preference = torch::tensor({0.5, q, 1 - q, 0.5}, kDouble).view({1, 2, 2});
    return b;
  };
  const OnlineBatch sure = batch(1.0, {-1.0, -2.5});
  const double z = beta * (LogRatio(sure, 0) - LogRatio(sure, 1));
  EXPECT_NEAR(Loss("osp(strength=judge)", sure), -LogSigmoid(z), kSelfJudgedTolerance);
  const OnlineBatch soft = batch(0.7, {-1.0, -2.5});
  EXPECT_NEAR(Loss("osp(strength=judge)", soft), -0.7 * LogSigmoid(z) - 0.3 * LogSigmoid(-z),
              kSelfJudgedTolerance);
  // q = 1/2 would not rank the pair (a tie): a strength just above 1/2 at zero margin has a
  // gradient that vanishes with q - 1/2.
  const OnlineBatch even = batch(0.5 + 1e-9, {-2, -2});
  const OnlineLoss out = MakeOnlineObjective("osp(strength=judge)")->Loss(even);
  EXPECT_NEAR(out.loss.item<double>(), std::log(2.0), 1e-9);
  const auto grad = torch::autograd::grad({out.loss}, {even.logps})[0];
  EXPECT_LT(grad.abs().max().item<double>(), 1e-9);
}

TEST(OspObjective, SelfJudgedStrengthIsTheImplicitRewardsBradleyTerryProbability) {
  const double beta = 0.5;
  // Sampling policy against the reference: r = beta * (2, -1, 0.5, 0): order 0, 2, 3, 1.
  const OnlineBatch b =
      SelfJudgedBatch({-1.0, -2.0, -1.5, -3.0}, {0, -3, -1.5, -2}, {-2, -2, -2, -2}, {1, 1, 1, 1});
  const std::vector<double> r = {1.0, -0.5, 0.25, 0.0};
  auto soft = [&](int64_t c, int64_t w) {
    const double q = 1 / (1 + std::exp(-(r[c] - r[w])));
    const double z = beta * (LogRatio(b, c) - LogRatio(b, w));
    return -q * LogSigmoid(z) - (1 - q) * LogSigmoid(-z);
  };
  // Ranked pairs: (0, 1) best with worst, (2, 3) second with second to last.
  EXPECT_NEAR(Loss("osp(beta=0.5)", b), (soft(0, 1) + soft(2, 3)) / 2, kSelfJudgedTolerance);
}

TEST(SelfJudgedObjectives, BadSettingsAreClearErrors) {
  auto message = [](const std::string& spec) {
    return testing::ErrorOf([&] { MakeOnlineObjective(spec); });
  };
  EXPECT_NE(message("rlsf(confidence=entropy)").find("mean_logp or sum_logp"), std::string::npos);
  EXPECT_NE(message("rlsf(pairs=some)").find("best_worst or all"), std::string::npos);
  EXPECT_NE(message("osp(strength=oracle)").find("self or judge"), std::string::npos);
  EXPECT_NE(message("cream(beta=0)").find("beta must be > 0"), std::string::npos);
  EXPECT_NE(message("cream(gamma=1)").find("beta"), std::string::npos);  // lists the valid key
}

}  // namespace
}  // namespace rlab::prefopt
