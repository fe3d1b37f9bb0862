// Reward transforms: each equals its closed form on hand-picked rewards (double precision);
// PAR stays inside (0, 1); a transform that needs reference rewards refuses to run without.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "rlab/reward/signal/reward_transforms.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::reward {
namespace {

using testing::kDouble;
const torch::Tensor kR = torch::tensor({1.0, 2.0, 4.0, -1.0}, kDouble);
const torch::Tensor kRef = torch::tensor({0.5, 2.5, 1.0, -1.0}, kDouble);

using testing::ExpectValues;

TEST(RewardTransforms, BatchTransformsMatchClosedForms) {
  ExpectValues((*MakeRewardTransform("identity"))(kR), {1.0, 2.0, 4.0, -1.0});
  ExpectValues((*MakeRewardTransform("centre"))(kR), {-0.5, 0.5, 2.5, -2.5});
  // mean 1.5; squared deviations sum to 13, so the sample std is sqrt(13 / 3).
  const double sd = std::sqrt(13.0 / 3.0);
  ExpectValues((*MakeRewardTransform("standardise(eps=0)"))(kR),
               {-0.5 / sd, 0.5 / sd, 2.5 / sd, -2.5 / sd});
  ExpectValues((*MakeRewardTransform("standardise"))(kR),
               {-0.5 / (sd + 1e-8), 0.5 / (sd + 1e-8), 2.5 / (sd + 1e-8), -2.5 / (sd + 1e-8)});
  ExpectValues((*MakeRewardTransform("clip(low=0, high=3)"))(kR), {1.0, 2.0, 3.0, 0.0});
  ExpectValues((*MakeRewardTransform("clip(high=1.5)"))(kR), {1.0, 1.5, 1.5, -1.0});
}

TEST(RewardTransforms, LogSigmoidAndParCompareWithTheReference) {
  // r - r_ref = 0.5, -0.5, 3, 0.
  ExpectValues(
      (*MakeRewardTransform("log_sigmoid"))(kR, kRef),
      {-0.4740769841801067, -0.9740769841801067, -0.04858735157374206, -0.6931471805599453});
  ExpectValues((*MakeRewardTransform("par"))(kR, kRef),
               {0.6224593312018546, 0.3775406687981454, 0.9525741268224334, 0.5});
  // Two references per prompt: the mean of the two sigmoids.
  const torch::Tensor two = torch::stack({kRef, kRef + 0.5}, 1);  // [4, 2]
  const double s = 1 / (1 + std::exp(-0.0));
  ExpectValues(
      (*MakeRewardTransform("par"))(kR, two),
      {(0.6224593312018546 + s) / 2, (0.3775406687981454 + 1 / (1 + std::exp(1.0))) / 2,
       (0.9525741268224334 + 1 / (1 + std::exp(-2.5))) / 2, (0.5 + 1 / (1 + std::exp(0.5))) / 2});
}

TEST(RewardTransforms, ParIsBoundedInsideZeroOne) {
  torch::manual_seed(3);
  // Differences up to about 15: beyond about 37 sigmoid rounds to 1 in double precision.
  const torch::Tensor r = torch::randn({1000}, kDouble) * 3;
  const torch::Tensor ref = torch::randn({1000}, kDouble) * 3;
  const torch::Tensor p = (*MakeRewardTransform("par"))(r, ref);
  EXPECT_GT(p.min().item<double>(), 0.0);
  EXPECT_LT(p.max().item<double>(), 1.0);
  // Monotone in r for a fixed reference.
  const torch::Tensor higher = (*MakeRewardTransform("par"))(r + 0.1, ref);
  EXPECT_TRUE((higher > p).all().item<bool>());
}

TEST(RewardTransforms, ReferenceIsRequiredWhereNeeded) {
  for (const char* name : {"log_sigmoid", "par"}) {
    const auto t = MakeRewardTransform(name);
    EXPECT_TRUE(t->NeedsReference()) << name;
    const std::string err = testing::ErrorOf([&] { (*t)(kR); });
    EXPECT_NE(err.find("needs reference rewards"), std::string::npos) << err;
  }
  for (const char* name : {"identity", "centre", "standardise", "clip(low=0)"}) {
    EXPECT_FALSE(MakeRewardTransform(name)->NeedsReference()) << name;
  }
  // A reference of the wrong length is refused too.
  EXPECT_NE(testing::ErrorOf([&] {
              (*MakeRewardTransform("par"))(kR, torch::zeros({3}, kDouble));
            }).find("r_ref must be"),
            std::string::npos);
}

TEST(RewardTransforms, BadInputsAndSpecsFailClearly) {
  const torch::Tensor nan = torch::tensor({1.0, std::nan("")}, kDouble);
  EXPECT_NE(testing::ErrorOf([&] { (*MakeRewardTransform("centre"))(nan); }).find("NaN"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([] { MakeRewardTransform("clip(low=2, high=1)"); }).find("low"),
            std::string::npos);
  const std::string unknown = testing::ErrorOf([] { MakeRewardTransform("squash"); });
  EXPECT_NE(unknown.find("log_sigmoid"), std::string::npos) << unknown;
  EXPECT_NE(testing::ErrorOf([&] {
              (*MakeRewardTransform("standardise"))(torch::ones({1}, kDouble));
            }).find("at least 2"),
            std::string::npos);
}

}  // namespace
}  // namespace rlab::reward
