#include "rlab/core/rng.h"

#include "rlab/core/check.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>

namespace rlab {
namespace {

TEST(Rng, DerivedSeedsDifferByStreamAndSeed) {
  std::set<uint64_t> seeds;
  for (uint64_t s : {0, 1, 2}) {
    for (const char* stream : {"data", "batches", "teacher"}) seeds.insert(DeriveSeed(s, stream));
  }
  EXPECT_EQ(seeds.size(), 9u);
  EXPECT_EQ(DeriveSeed(7, "data"), DeriveSeed(7, "data"));
}

TEST(Rng, SameSeedSameSequence) {
  Rng a(11), b(11), c(12);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.Normal();
    EXPECT_EQ(x, b.Normal());
    differs = differs || x != c.Normal();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, StateRoundTripContinuesExactly) {
  Rng a(3);
  for (int i = 0; i < 10; ++i) a.Uniform();
  Rng b(999);
  b.SetState(a.State());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.NextU64(), b.NextU64());
  EXPECT_THROW(b.SetState("not a state"), Error);
}

TEST(Rng, DistributionsHaveTheRightMoments) {
  Rng r(5);
  const int n = 200000;
  double sum = 0, sq = 0, usum = 0;
  std::vector<int> counts(7, 0);
  for (int i = 0; i < n; ++i) {
    const double x = r.Normal();
    sum += x;
    sq += x * x;
    const double u = r.Uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    usum += u;
    counts[r.UniformInt(7)]++;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.02);
  EXPECT_NEAR(usum / n, 0.5, 0.005);
  for (int c : counts) EXPECT_NEAR(c / double(n), 1.0 / 7, 0.005);
  EXPECT_THROW(r.UniformInt(0), Error);
}

TEST(Rng, TorchGeneratorStateRoundTrips) {
  SeedTorch(4);
  const torch::Tensor first = torch::randn({5});
  const std::string state = TorchRngState();
  const torch::Tensor second = torch::randn({5});
  SetTorchRngState(state);
  EXPECT_TRUE(torch::equal(torch::randn({5}), second));
  SeedTorch(4);
  EXPECT_TRUE(torch::equal(torch::randn({5}), first));
}

}  // namespace
}  // namespace rlab
