// The loss families of rlab dpo over a batch of units: beta and label smoothing reach every
// loss that takes them unless its spec sets its own; the pairwise loss and its TRL metrics
// equal DPO's closed form; rankings of different lengths are scored group by group; KTO reads
// each unit's mismatched completion; units are built as documented.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/prefopt/kto_loss.h"
#include "rlab/prefopt/policy_objective.h"
#include "rlab/prefopt/pro_loss.h"
#include "sft_example_support.h"
#include "test_support.h"
#include "numeric_support.h"
#include "policy_loss_support.h"

namespace rlab::prefopt {
namespace {

using rlab::testing::PromptCompletion;

using testing::LogSigmoid;
using testing::PolicyMetric;
using testing::PolicyUnitPointers;

TEST(PolicyObjective, PairwiseSigmoidTakesTheConfiguredBetaAndMatchesItsClosedForm) {
  const std::vector<PolicyUnit> units = {{{0, 1}}, {{2, 3}}};
  const SequenceScores s{torch::tensor({-3.0, -5.0, -4.0, -2.0}, torch::kFloat64),
                         torch::tensor({-3.5, -4.5, -4.0, -2.5}, torch::kFloat64),
                         torch::tensor({3.0, 4.0, 2.0, 2.0}, torch::kFloat64)};
  PolicyObjectiveOptions o;
  o.beta = 0.5;
  const auto objective = MakePolicyObjective(o);
  EXPECT_EQ(objective->family(), PolicyLossFamily::kPairwise);
  EXPECT_TRUE(objective->NeedsReference());
  const PolicyLossResult r = objective->Loss(PolicyUnitPointers(units), s);
  const double h0 = (-3.0 + 3.5) - (-5.0 + 4.5), h1 = (-4.0 + 4.0) - (-2.0 + 2.5);
  EXPECT_NEAR(r.loss.item<double>(), -(LogSigmoid(0.5 * h0) + LogSigmoid(0.5 * h1)) / 2, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "rewards/chosen"), 0.5 * (0.5 + 0.0) / 2, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "rewards/margins"), 0.5 * (h0 + h1) / 2, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "rewards/accuracies"), 0.5, 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "logps/rejected"), -3.5, 1e-12);
  // A spec's own beta wins over the configured one.
  o.loss_type = {"sigmoid(beta=2)"};
  const PolicyLossResult own = MakePolicyObjective(o)->Loss(PolicyUnitPointers(units), s);
  EXPECT_NEAR(own.loss.item<double>(), -(LogSigmoid(2 * h0) + LogSigmoid(2 * h1)) / 2, 1e-12);
}

TEST(PolicyObjective, WeightsAndCombinationRulesAreChecked) {
  PolicyObjectiveOptions o;
  o.loss_type = {"sigmoid", "hinge"};
  o.loss_weights = {1.0};
  EXPECT_THROW(MakePolicyObjective(o), Error);
  o.loss_type = {"pro", "sigmoid"};
  o.loss_weights = {};
  EXPECT_THROW(MakePolicyObjective(o), Error);
  o.loss_type = {"kto(gamma=1)"};
  EXPECT_THROW(MakePolicyObjective(o), Error);
  o.loss_type = {"simpo"};
  EXPECT_FALSE(MakePolicyObjective(o)->NeedsReference());
}

TEST(PolicyObjective, RankingsOfDifferentLengthsAreScoredGroupByGroup) {
  const std::vector<PolicyUnit> units = {{{0, 1}}, {{2, 3, 4}}, {{5, 6}}};
  const torch::Tensor logps =
      torch::tensor({-2.0, -3.0, -1.0, -4.0, -6.0, -5.0, -2.0}, torch::kFloat64);
  const torch::Tensor tokens = torch::tensor({2.0, 3.0, 1.0, 2.0, 3.0, 5.0, 1.0}, torch::kFloat64);
  PolicyObjectiveOptions o;
  o.loss_type = {"pro(sft_weight=0.5)"};
  const PolicyLossResult r = MakePolicyObjective(o)->Loss(
      PolicyUnitPointers(units), {logps, torch::zeros({7}, torch::kFloat64), tokens});
  const auto rows = [&](std::vector<int64_t> idx, int64_t k) {
    return logps.index_select(0, torch::tensor(idx)).view({-1, k});
  };
  const auto lens = [&](std::vector<int64_t> idx, int64_t k) {
    return tokens.index_select(0, torch::tensor(idx)).view({-1, k});
  };
  const double pairs = ProLoss(rows({0, 1, 5, 6}, 2), lens({0, 1, 5, 6}, 2), 0.5).item<double>();
  const double triple = ProLoss(rows({2, 3, 4}, 3), lens({2, 3, 4}, 3), 0.5).item<double>();
  EXPECT_NEAR(r.loss.item<double>(), (2 * pairs + triple) / 3, 1e-12);
  // Adjacent pairs in order by length-normalised log-prob: -1 vs -1 (no), -1 vs -2 (yes)
  // for the pairs; -1 vs -2 (yes), -2 vs -2 (no) in the ranking of three: 2 of 4.
  EXPECT_NEAR(PolicyMetric(r, "rewards/accuracies"), 0.5, 1e-12);
}

TEST(PolicyObjective, KtoReadsEachUnitsMismatchedCompletion) {
  const std::vector<PolicyUnit> units = {{{0, 1}, true}, {{2, 3}, false}};
  const torch::Tensor logps = torch::tensor({-5.0, -8.0, -4.0, -9.0}, torch::kFloat64);
  const torch::Tensor ref = torch::tensor({-5.5, -8.5, -3.0, -9.3}, torch::kFloat64);
  PolicyObjectiveOptions o;
  o.loss_type = {"kto"};
  o.beta = 0.5;
  const PolicyLossResult r = MakePolicyObjective(o)->Loss(
      PolicyUnitPointers(units), {logps, ref, torch::ones({4}, torch::kFloat64)});
  KtoOptions k;
  k.beta = 0.5;
  const KtoOutput direct = KtoLoss(
      {torch::tensor({-5.0, -4.0}, torch::kFloat64), torch::tensor({-5.5, -3.0}, torch::kFloat64),
       torch::tensor({true, false}), torch::tensor({-8.0, -9.0}, torch::kFloat64),
       torch::tensor({-8.5, -9.3}, torch::kFloat64)},
      k);
  EXPECT_NEAR(r.loss.item<double>(), direct.loss.item<double>(), 1e-12);
  EXPECT_NEAR(PolicyMetric(r, "reference_point"), direct.reference_point.item<double>(), 1e-12);
}

TEST(PolicyUnits, PairsRankingsAndMismatchedCompletions) {
  const data::SftExample a = PromptCompletion({1, 2}, {3}), b = PromptCompletion({1, 2}, {4, 5}),
                         c = PromptCompletion({1, 2}, {6});
  const std::vector<data::PolicyPreferenceExample> examples = {{{a, b, c}, true, "r"},
                                                               {{a, b, c}, false, "bon"}};
  const PolicyTrainingSet pairs = PairwiseUnits(examples);
  ASSERT_EQ(pairs.units.size(), 5u);  // (0,1) (0,2) (1,2), then (3,4) (3,5)
  EXPECT_EQ(pairs.units[2].sequences, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(pairs.units[4].sequences, (std::vector<int64_t>{3, 5}));
  const PolicyTrainingSet ranks = RankingUnits(examples);
  EXPECT_EQ(ranks.units.size(), 1u);
  EXPECT_EQ(ranks.skipped, 1);

  const data::SftExample p = PromptCompletion({7, 8}, {9, 9}), q = PromptCompletion({7}, {10});
  const PolicyTrainingSet unpaired = UnpairedUnits({p, q}, {true, false}, 16);
  ASSERT_EQ(unpaired.sequences.size(), 4u);
  // Unit 0's mismatched sequence: its own prompt, the next completion.
  EXPECT_EQ(unpaired.sequences[2].ids, (std::vector<int64_t>{7, 8, 10}));
  EXPECT_EQ(unpaired.sequences[2].trained, (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(unpaired.sequences[3].ids, (std::vector<int64_t>{7, 9, 9}));
  EXPECT_EQ(unpaired.units[1].sequences, (std::vector<int64_t>{1, 3}));
  EXPECT_FALSE(unpaired.units[1].desirable);
}

}  // namespace
}  // namespace rlab::prefopt
