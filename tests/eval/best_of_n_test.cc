// Unbiased best-of-N: the rank weights are a distribution that matches brute-force enumeration
// of every N-subset; the curve at N = 1 is the plain mean and at N = M the proxy's best sample;
// a proxy equal to gold makes gold rise with N, an anti-correlated proxy makes it fall; a
// Monte-Carlo draw of N-subsets agrees with the exact expectation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/rng.h"
#include "rlab/eval/best_of_n.h"
#include "rlab/eval/overoptimization_fit.h"
#include "test_support.h"
#include "numeric_support.h"

namespace rlab::eval {
namespace {

using testing::kDouble;

TEST(BestOfN, RankWeightsMatchEnumeration) {
  const int64_t m = 6, n = 3;
  // Count, for each rank, the 3-subsets of {1..6} whose largest element is that rank.
  std::vector<double> counts(m, 0.0);
  double subsets = 0;
  for (int a = 1; a <= m; ++a)
    for (int b = a + 1; b <= m; ++b)
      for (int c = b + 1; c <= m; ++c) {
        counts[c - 1] += 1;
        subsets += 1;
      }
  const std::vector<double> w = BestOfNRankWeights(m, n);
  double sum = 0;
  for (int64_t i = 0; i < m; ++i) {
    EXPECT_NEAR(w[i], counts[i] / subsets, 1e-12) << "rank " << i + 1;
    sum += w[i];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(BestOfNRankWeights(1000, 17).back(), 17.0 / 1000.0, 1e-10);
}

TEST(BestOfN, EndsOfTheCurve) {
  const torch::Tensor proxy =
      torch::tensor({0.1, 0.9, 0.5, 0.3, 2.0, 1.0, -1.0, 0.0}, kDouble).reshape({2, 4});
  const torch::Tensor gold =
      torch::tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}, kDouble).reshape({2, 4});
  const auto curve = BestOfNCurve(proxy, gold, {1, 4});
  ASSERT_EQ(curve.size(), 2u);
  EXPECT_NEAR(curve[0].gold, 4.5, 1e-12);  // the mean of all samples
  EXPECT_NEAR(curve[0].proxy, (1.8 + 2.0) / 8.0, 1e-12);
  EXPECT_DOUBLE_EQ(curve[0].kl, 0.0);
  // N = M: the proxy's best of each prompt, gold 2 and 5.
  EXPECT_NEAR(curve[1].gold, 3.5, 1e-12);
  EXPECT_NEAR(curve[1].proxy, 1.45, 1e-12);
  EXPECT_NEAR(curve[1].kl, BestOfNKl(4), 1e-15);
}

TEST(BestOfN, GoldFollowsTheProxysCorrelation) {
  torch::manual_seed(3);
  const torch::Tensor gold = torch::randn({50, 32}, kDouble);
  const auto aligned = BestOfNCurve(gold, gold, {1, 2, 4, 8, 16, 32});
  const auto opposed = BestOfNCurve(-gold, gold, {1, 2, 4, 8, 16, 32});
  for (std::size_t i = 1; i < aligned.size(); ++i) {
    EXPECT_GT(aligned[i].gold, aligned[i - 1].gold);
    EXPECT_LT(opposed[i].gold, opposed[i - 1].gold);
    EXPECT_GT(opposed[i].proxy, opposed[i - 1].proxy);
  }
}

TEST(BestOfN, AgreesWithMonteCarloSubsets) {
  torch::manual_seed(9);
  const int64_t m = 10, n = 3;
  const torch::Tensor proxy = torch::randn({4, m}, kDouble);
  const torch::Tensor gold = torch::randn({4, m}, kDouble);
  const double exact = BestOfNCurve(proxy, gold, {n})[0].gold;
  const auto pa = proxy.accessor<double, 2>();
  const auto ga = gold.accessor<double, 2>();
  Rng rng(11);
  double total = 0;
  const int draws = 40000;
  for (int t = 0; t < draws; ++t) {
    for (int64_t p = 0; p < 4; ++p) {
      std::vector<int64_t> idx(m);
      for (int64_t i = 0; i < m; ++i) idx[i] = i;
      for (int64_t i = 0; i < n; ++i) std::swap(idx[i], idx[i + rng.UniformInt(m - i)]);
      int64_t best = idx[0];
      for (int64_t i = 1; i < n; ++i) {
        if (pa[p][idx[i]] > pa[p][best]) best = idx[i];
      }
      total += ga[p][best] / 4;
    }
  }
  EXPECT_NEAR(total / draws, exact, 0.01);
}

TEST(BestOfN, RepeatEachLaysOutPromptsByRow) {
  const std::vector<std::string> r = RepeatEach(std::vector<std::string>{"a", "b"}, 3);
  EXPECT_EQ(r, (std::vector<std::string>{"a", "a", "a", "b", "b", "b"}));
  EXPECT_TRUE(RepeatEach(std::vector<int>{1, 2}, 0).empty());
}

TEST(BestOfN, BadShapesAndNFail) {
  const torch::Tensor x = torch::zeros({2, 4}, kDouble);
  EXPECT_NE(testing::ErrorOf([&] {
              BestOfNCurve(x, torch::zeros({2, 3}, kDouble), {1});
            }).find("[P, M]"),
            std::string::npos);
  EXPECT_NE(testing::ErrorOf([&] { BestOfNCurve(x, x, {5}); }).find("[1, 4]"), std::string::npos);
}

}  // namespace
}  // namespace rlab::eval
