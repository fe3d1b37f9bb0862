// PEBBLE's k-nearest-neighbour state-entropy reward (reward/signal/state_entropy.h) against a
// brute-force k-NN.
#include "rlab/reward/signal/state_entropy.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rlab/core/check.h"

namespace rlab::reward {
namespace {

// Distance from row i to its k-th nearest other row, by sorting all distances.
std::vector<double> BruteForce(const torch::Tensor& x, int64_t k) {
  const auto a = x.accessor<double, 2>();
  std::vector<double> out;
  for (int64_t i = 0; i < x.size(0); ++i) {
    std::vector<double> d;
    for (int64_t j = 0; j < x.size(0); ++j) {
      if (j == i) continue;
      double s = 0;
      for (int64_t c = 0; c < x.size(1); ++c) s += (a[i][c] - a[j][c]) * (a[i][c] - a[j][c]);
      d.push_back(std::sqrt(s));
    }
    std::sort(d.begin(), d.end());
    out.push_back(d[k - 1]);
  }
  return out;
}

TEST(StateEntropy, KthNeighbourMatchesBruteForceInEveryBlockSize) {
  torch::manual_seed(3);
  const torch::Tensor x = torch::randn({57, 4}, torch::kDouble);
  for (int64_t k : {1, 3, 5}) {
    const std::vector<double> expected = BruteForce(x, k);
    for (int64_t rows : {1, 7, 1024}) {
      StateEntropyOptions o;
      o.k = k;
      o.log = false;
      o.normalize = false;
      o.batch_rows = rows;
      const torch::Tensor r = StateEntropyRewards(x, o);
      ASSERT_EQ(r.size(0), 57);
      for (int64_t i = 0; i < 57; ++i) {
        EXPECT_NEAR(r[i].item<double>(), expected[i], 1e-9) << "k=" << k << " i=" << i;
      }
    }
  }
}

TEST(StateEntropy, LogAndNormalisationFollowPebble) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({40, 3});
  StateEntropyOptions raw;
  raw.log = false;
  raw.normalize = false;
  const torch::Tensor d = StateEntropyRewards(x, raw);
  StateEntropyOptions o;  // k = 5, c = 1, log, normalised
  const torch::Tensor r = StateEntropyRewards(x, o);
  const torch::Tensor expected = (d + 1.0).log();
  EXPECT_TRUE(torch::allclose(r, expected / expected.std(false), 1e-9, 1e-9));
  EXPECT_NEAR(r.std(false).item<double>(), 1.0, 1e-9);
  // An isolated state is rewarded most.
  torch::Tensor y = x.clone();
  y[0] = torch::full({3}, 50.0f);
  EXPECT_EQ(StateEntropyRewards(y, o).argmax().item<int64_t>(), 0);
}

TEST(StateEntropy, KthNeighbourCountsQueriesThatAreNotPoints) {
  const torch::Tensor points = torch::tensor({0.0, 1.0, 3.0, 7.0}).unsqueeze(1);
  const torch::Tensor queries = torch::tensor({2.0}).unsqueeze(1);
  EXPECT_DOUBLE_EQ(KthNeighbourDistance(queries, points, 1)[0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(KthNeighbourDistance(queries, points, 3)[0].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(KthNeighbourDistance(queries, points, 4)[0].item<double>(), 5.0);
}

TEST(StateEntropy, RefusesTooFewStatesAndBadOptions) {
  StateEntropyOptions o;
  EXPECT_THROW(StateEntropyRewards(torch::randn({5, 2}), o), Error);  // needs more than k
  o.k = 0;
  EXPECT_THROW(StateEntropyRewards(torch::randn({10, 2}), o), Error);
  EXPECT_THROW(KthNeighbourDistance(torch::randn({2, 3}), torch::randn({4, 2}), 1), Error);
}

}  // namespace
}  // namespace rlab::reward
