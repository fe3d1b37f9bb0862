// Properties every registered group advantage estimator must have, checked over the whole
// registry so that a new estimator is tested the moment it is registered: finite advantages
// [N] in the rewards' dtype that carry no gradient, zero advantage for a group whose rewards are
// all equal, permuting prompts or completions permutes the advantages, each group scored on its
// own (where the estimator is per group), bit-identical results from two instances, rewards
// that do not split into groups or are not finite refused, and errors that list the valid names
// and keys.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "numeric_support.h"
#include "registry_conformance.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/rl/group_advantages.h"
#include "test_support.h"

namespace rlab::rl {
namespace {

// Estimators that normalise with statistics of the whole batch, so a group's advantages depend
// on the other groups by design: reinforce_pp (batch mean and std, REINFORCE++) and bnpo (the
// Beta distribution fitted to every group's success rate).
const std::set<std::string> kBatchLevelAdvantages = {"reinforce_pp", "bnpo"};

// Estimators whose baseline is not the group's own: reinforce_pp subtracts the batch mean, so a
// group of equal rewards gets a nonzero advantage unless the whole batch is constant.
const std::set<std::string> kAdvantagesWithoutGroupBaseline = {"reinforce_pp"};

// Rounding of double-precision statistics taken in another order or over another batch shape,
// relative to the largest advantage: one scale for every reordering comparison.
constexpr double kAdvantageReorderScale = 1e-12;

constexpr int64_t kPrompts = 5, kGroupSize = 4;

std::vector<std::string> AllGroupAdvantages() {
  RegisterGroupAdvantages();
  return GroupAdvantages().List();
}

// Rewards [P * G] in [0, 1] (bnpo's default range) drawn from `seed`, double precision.
torch::Tensor RandomGroupRewards(int64_t prompts, int64_t group_size, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r;
  for (int64_t i = 0; i < prompts * group_size; ++i) r.push_back(rng.Uniform());
  return torch::tensor(r, testing::kDouble);
}

// Tolerance for comparing advantages `a` with the same advantages computed in another order.
double AdvantageTolerance(const torch::Tensor& a) {
  return kAdvantageReorderScale * (1.0 + a.abs().max().item<double>());
}

class GroupAdvantageConformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<GroupAdvantage> MakeEstimator() const { return MakeGroupAdvantage(GetParam()); }
};

TEST_P(GroupAdvantageConformance, AdvantagesAreFiniteRowsWithoutGradient) {
  const auto estimator = MakeEstimator();
  // Advantages weight the policy's log-probs; no gradient flows into the rewards, so the
  // gradient property here is that there is none.
  const torch::Tensor rewards = RandomGroupRewards(kPrompts, kGroupSize, 1).requires_grad_(true);
  const torch::Tensor a = (*estimator)(rewards, kGroupSize);
  ASSERT_EQ(a.sizes(), rewards.sizes());
  EXPECT_EQ(a.scalar_type(), torch::kFloat64);
  EXPECT_FALSE(a.requires_grad());
  EXPECT_TRUE(torch::isfinite(a).all().item<bool>()) << a;
  EXPECT_GT(a.abs().sum().item<double>(), 0.0) << "rewards that differ must give a signal";
  // Binary rewards, as a verifiable reward gives, and single precision.
  const torch::Tensor binary =
      (RandomGroupRewards(kPrompts, kGroupSize, 2) > 0.5).to(torch::kFloat32);
  const torch::Tensor b = (*estimator)(binary, kGroupSize);
  EXPECT_EQ(b.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::isfinite(b).all().item<bool>()) << b;
}

TEST_P(GroupAdvantageConformance, GroupOfEqualRewardsGetsZeroAdvantage) {
  if (kAdvantagesWithoutGroupBaseline.count(GetParam())) {
    GTEST_SKIP() << "the baseline is the batch's, not the group's";
  }
  const auto estimator = MakeEstimator();
  // Groups 0 and 2 are constant (values with exact binary sums); groups 1 and 3 are not.
  const torch::Tensor rewards = torch::tensor(
      {0.5, 0.5, 0.5, 0.5, 0.0, 1.0, 0.25, 1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.0, 0.5, 0.0},
      testing::kDouble);
  const torch::Tensor a = (*estimator)(rewards, kGroupSize).reshape({-1, kGroupSize});
  EXPECT_TRUE(torch::equal(a[0], torch::zeros({kGroupSize}, testing::kDouble))) << a;
  EXPECT_TRUE(torch::equal(a[2], torch::zeros({kGroupSize}, testing::kDouble))) << a;
  EXPECT_GT(a[1].abs().sum().item<double>(), 0.0) << a;
}

// Rewards [P * G] reordered along `dim` of their [P, G] view (0: prompts, 1: completions).
torch::Tensor ReorderGroups(const torch::Tensor& rewards, int64_t dim, const torch::Tensor& order) {
  return rewards.reshape({kPrompts, kGroupSize}).index_select(dim, order).reshape({-1});
}

// Reordering the rewards along `dim` reorders the advantages the same way.
void ExpectReorderedAdvantages(const GroupAdvantage& estimator, int64_t dim,
                               const torch::Tensor& order, uint64_t seed) {
  const torch::Tensor rewards = RandomGroupRewards(kPrompts, kGroupSize, seed);
  const torch::Tensor a = estimator(rewards, kGroupSize);
  EXPECT_LE(testing::MaxAbsDiff(estimator(ReorderGroups(rewards, dim, order), kGroupSize),
                                ReorderGroups(a, dim, order)),
            AdvantageTolerance(a));
}

TEST_P(GroupAdvantageConformance, PermutingPromptsPermutesTheAdvantages) {
  ExpectReorderedAdvantages(*MakeEstimator(), 0, torch::tensor({2, 4, 0, 3, 1}), 3);
}

TEST_P(GroupAdvantageConformance, PermutingCompletionsOfAPromptPermutesTheAdvantages) {
  ExpectReorderedAdvantages(*MakeEstimator(), 1, torch::tensor({3, 1, 0, 2}), 4);
}

TEST_P(GroupAdvantageConformance, EachGroupScoredAloneGetsItsBatchAdvantages) {
  if (kBatchLevelAdvantages.count(GetParam())) {
    GTEST_SKIP() << "normalised with batch statistics by design";
  }
  const auto estimator = MakeEstimator();
  const torch::Tensor rewards = RandomGroupRewards(kPrompts, kGroupSize, 5);
  const torch::Tensor a = (*estimator)(rewards, kGroupSize);
  for (int64_t p = 0; p < kPrompts; ++p) {
    const torch::Tensor alone =
        (*estimator)(rewards.slice(0, p * kGroupSize, (p + 1) * kGroupSize), kGroupSize);
    EXPECT_LE(testing::MaxAbsDiff(alone, a.slice(0, p * kGroupSize, (p + 1) * kGroupSize)),
              AdvantageTolerance(a))
        << "prompt " << p;
  }
}

TEST_P(GroupAdvantageConformance, TwoInstancesGiveBitIdenticalAdvantages) {
  const auto x = MakeEstimator(), y = MakeEstimator();
  EXPECT_EQ(x->Describe(), y->Describe());
  const torch::Tensor rewards = RandomGroupRewards(kPrompts, kGroupSize, 6);
  const torch::Tensor a = (*x)(rewards, kGroupSize);
  EXPECT_TRUE(torch::equal(a, (*y)(rewards, kGroupSize)));
  EXPECT_TRUE(torch::equal(a, (*x)(rewards, kGroupSize)));
}

TEST_P(GroupAdvantageConformance, RefusesRewardsThatAreNotFiniteGroups) {
  const auto estimator = MakeEstimator();
  const torch::Tensor rewards = RandomGroupRewards(kPrompts, kGroupSize, 7);
  const std::string uneven = testing::ErrorOf(
      [&] { (*estimator)(rewards.slice(0, 0, kPrompts * kGroupSize - 1), kGroupSize); });
  EXPECT_NE(uneven.find("groups of"), std::string::npos) << "message: '" << uneven << "'";
  torch::Tensor nan = rewards.clone();
  nan[3] = std::nan("");
  const std::string not_finite = testing::ErrorOf([&] { (*estimator)(nan, kGroupSize); });
  EXPECT_NE(not_finite.find("NaN"), std::string::npos) << "message: '" << not_finite << "'";
}

TEST_P(GroupAdvantageConformance, UnknownKeyFailsListingTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(
      GroupAdvantages(), GetParam(), [](const std::string& spec) { MakeGroupAdvantage(spec); });
}

TEST(GroupAdvantageRegistry, UnknownNameFailsListingEveryEstimator) {
  RegisterGroupAdvantages();
  testing::ExpectUnknownNameListsEveryEntry(
      GroupAdvantages(), [](const std::string& spec) { MakeGroupAdvantage(spec); });
}

INSTANTIATE_TEST_SUITE_P(AllGroupAdvantages, GroupAdvantageConformance,
                         ::testing::ValuesIn(AllGroupAdvantages()), testing::RegistryEntryTestName);

}  // namespace
}  // namespace rlab::rl
