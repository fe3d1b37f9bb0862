// Properties every registered reward transform must have, checked over the whole registry so
// that a new transform is tested the moment it is registered: finite values [N] in the rewards'
// dtype with finite gradients, permuting the batch permutes the result, each reward transformed
// on its own (where the transform is element-wise), bit-identical results from two instances, a
// reference reward required exactly when declared, non-finite rewards refused, and errors that
// list the valid names and keys.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "numeric_support.h"
#include "registry_conformance.h"
#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/reward/signal/reward_transforms.h"
#include "test_support.h"

namespace rlab::reward {
namespace {

// Transforms defined by statistics of the batch, so one reward's result depends on the others
// by design: centre (the batch mean) and standardise (the batch mean and std).
const std::set<std::string> kBatchStatisticTransforms = {"centre", "standardise"};

// Rounding of double-precision batch statistics taken in another order, relative to the
// largest result: one scale for every reordering comparison.
constexpr double kTransformReorderScale = 1e-12;

constexpr int64_t kTransformBatch = 7;

std::vector<std::string> AllRewardTransforms() {
  RegisterRewardTransforms();
  return RewardTransforms().List();
}

// Rewards [N] ~ N(0, 2^2) drawn from `seed`, double precision.
torch::Tensor RandomProxyRewards(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> r;
  for (int64_t i = 0; i < n; ++i) r.push_back(rng.Normal(0.0, 2.0));
  return torch::tensor(r, testing::kDouble);
}

double TransformTolerance(const torch::Tensor& out) {
  return kTransformReorderScale * (1.0 + out.abs().max().item<double>());
}

class RewardTransformConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    transform_ = MakeRewardTransform(GetParam());
    r_ = RandomProxyRewards(kTransformBatch, 1);
    // The reference reward [N] where the transform declares that it needs one.
    if (transform_->NeedsReference()) r_ref_ = RandomProxyRewards(kTransformBatch, 2);
  }
  torch::Tensor Apply(const torch::Tensor& r, const torch::Tensor& r_ref) const {
    return (*transform_)(r, r_ref);
  }
  std::unique_ptr<RewardTransform> transform_;
  torch::Tensor r_, r_ref_;
};

TEST_P(RewardTransformConformance, ValuesAndGradientsAreFiniteInDoublePrecision) {
  const torch::Tensor r = r_.clone().requires_grad_(true);
  const torch::Tensor out = Apply(r, r_ref_);
  ASSERT_EQ(out.sizes(), r.sizes());
  EXPECT_EQ(out.scalar_type(), torch::kFloat64);
  EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << out;
  const torch::Tensor weights = torch::linspace(-1.0, 1.0, kTransformBatch, testing::kDouble);
  const torch::Tensor grad = torch::autograd::grad({(out * weights).sum()}, {r})[0];
  EXPECT_TRUE(torch::isfinite(grad).all().item<bool>()) << grad;
  // Single precision in, single precision out.
  const torch::Tensor r_ref32 = r_ref_.defined() ? r_ref_.to(torch::kFloat32) : r_ref_;
  EXPECT_EQ(Apply(r_.to(torch::kFloat32), r_ref32).scalar_type(), torch::kFloat32);
}

TEST_P(RewardTransformConformance, PermutingTheBatchPermutesTheResult) {
  const torch::Tensor order = torch::tensor({4, 0, 6, 2, 1, 5, 3});
  const torch::Tensor out = Apply(r_, r_ref_);
  const torch::Tensor permuted =
      Apply(r_.index_select(0, order), r_ref_.defined() ? r_ref_.index_select(0, order) : r_ref_);
  EXPECT_LE(testing::MaxAbsDiff(permuted, out.index_select(0, order)), TransformTolerance(out));
}

TEST_P(RewardTransformConformance, EachRewardTransformedAloneGetsItsBatchResult) {
  if (kBatchStatisticTransforms.count(GetParam())) {
    GTEST_SKIP() << "defined by statistics of the batch";
  }
  const torch::Tensor out = Apply(r_, r_ref_);
  for (int64_t i = 0; i < kTransformBatch; ++i) {
    const torch::Tensor alone =
        Apply(r_.slice(0, i, i + 1), r_ref_.defined() ? r_ref_.slice(0, i, i + 1) : r_ref_);
    EXPECT_LE(testing::MaxAbsDiff(alone, out.slice(0, i, i + 1)), TransformTolerance(out))
        << "reward " << i;
  }
}

TEST_P(RewardTransformConformance, TwoInstancesGiveBitIdenticalResults) {
  const auto other = MakeRewardTransform(GetParam());
  EXPECT_EQ(other->Describe(), transform_->Describe());
  const torch::Tensor out = Apply(r_, r_ref_);
  EXPECT_TRUE(torch::equal(out, (*other)(r_, r_ref_)));
  EXPECT_TRUE(torch::equal(out, Apply(r_, r_ref_)));
}

TEST_P(RewardTransformConformance, ReferenceRewardIsRequiredExactlyWhenDeclared) {
  if (transform_->NeedsReference()) {
    const std::string msg = testing::ErrorOf([&] { Apply(r_, torch::Tensor()); });
    EXPECT_NE(msg.find("r_ref"), std::string::npos) << "message: '" << msg << "'";
    return;
  }
  // A transform that needs no reference ignores one when given.
  EXPECT_TRUE(
      torch::equal(Apply(r_, torch::Tensor()), Apply(r_, RandomProxyRewards(kTransformBatch, 3))));
}

TEST_P(RewardTransformConformance, RefusesRewardsThatAreNotFinite) {
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    torch::Tensor r = r_.clone();
    r[2] = bad;
    const std::string msg = testing::ErrorOf([&] { Apply(r, r_ref_); });
    EXPECT_NE(msg.find("NaN or infinite"), std::string::npos) << "message: '" << msg << "'";
  }
}

TEST_P(RewardTransformConformance, UnknownKeyFailsListingTheValidKeys) {
  testing::ExpectUnknownKeyListsTheValidKeys(
      RewardTransforms(), GetParam(), [](const std::string& spec) { MakeRewardTransform(spec); });
}

TEST(RewardTransformRegistry, UnknownNameFailsListingEveryTransform) {
  RegisterRewardTransforms();
  testing::ExpectUnknownNameListsEveryEntry(
      RewardTransforms(), [](const std::string& spec) { MakeRewardTransform(spec); });
}

INSTANTIATE_TEST_SUITE_P(AllRewardTransforms, RewardTransformConformance,
                         ::testing::ValuesIn(AllRewardTransforms()),
                         testing::RegistryEntryTestName);

}  // namespace
}  // namespace rlab::reward
