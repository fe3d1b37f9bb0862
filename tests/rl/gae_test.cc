// GAE against hand-computed values, including episode boundaries and lambda = 1 (which
// gives discounted returns minus values).
#include <gtest/gtest.h>

#include <vector>

#include "rlab/rl/gae.h"
#include "rlab/rl/running_mean_std.h"

namespace rlab::rl {
namespace {

TEST(Gae, HandComputedTwoSteps) {
  // One env, T = 2, no episode end: delta_1 = 1 + 0.9 * 4 - 3 = 1.6, A_1 = 1.6;
  // delta_0 = 2 + 0.9 * 3 - 1 = 3.7, A_0 = 3.7 + 0.9 * 0.5 * 1.6 = 4.42.
  const std::vector<float> r = {2, 1}, v = {1, 3}, last = {4};
  const std::vector<uint8_t> d = {0, 0};
  std::vector<float> adv(2), ret(2);
  ComputeGae(r, v, d, last, 2, 1, 0.9, 0.5, adv, ret);
  EXPECT_NEAR(adv[1], 1.6, 1e-6);
  EXPECT_NEAR(adv[0], 4.42, 1e-5);
  EXPECT_NEAR(ret[0], 5.42, 1e-5);
}

TEST(Gae, EpisodeEndStopsBootstrapAndLambdaOneGivesReturns) {
  // Two envs interleaved [T=3, N=2]; env 0 ends at t = 1.
  const std::vector<float> r = {1, 1, 1, 1, 1, 1}, v = {0, 0, 0, 0, 0, 0}, last = {10, 10};
  const std::vector<uint8_t> d = {0, 0, 1, 0, 0, 0};
  std::vector<float> adv(6), ret(6);
  ComputeGae(r, v, d, last, 3, 2, 0.5, 1.0, adv, ret);
  // env 0: t=2 -> 1 + 0.5*10 = 6; t=1 ends -> 1; t=0 -> 1 + 0.5 * 1 = 1.5
  EXPECT_NEAR(ret[4], 6.0, 1e-6);
  EXPECT_NEAR(ret[2], 1.0, 1e-6);
  EXPECT_NEAR(ret[0], 1.5, 1e-6);
  // env 1: 1 + 0.5 (1 + 0.5 (1 + 0.5 * 10)) = 3
  EXPECT_NEAR(ret[1], 3.0, 1e-6);
}

TEST(RunningMeanStd, MatchesBatchStatisticsOfEverythingSeen) {
  RunningMeanStd rms(2);
  const std::vector<float> a = {1, 10, 3, 20}, b = {5, 30, 7, 40, 9, 50};
  rms.Update(a, 2);
  rms.Update(b, 3);
  // mean of x: 5, population var of {1,3,5,7,9}: 8 (the 1e-4 starting count barely moves it)
  EXPECT_NEAR(rms.mean(0), 5.0, 1e-3);
  EXPECT_NEAR(rms.var(0), 8.0, 1e-2);
  EXPECT_NEAR(rms.mean(1), 30.0, 1e-2);
  EXPECT_NEAR(rms.var(1), 200.0, 0.1);
  std::vector<float> x = {5, 30 + 100 * 14.142f};
  rms.Normalize(x, 1, 10.0);
  EXPECT_NEAR(x[0], 0.0, 1e-3);
  EXPECT_FLOAT_EQ(x[1], 10.0f);  // clipped
}

TEST(ReturnNormalizer, ScalesByStdOfDiscountedReturn) {
  ReturnNormalizer norm(1, 0.0);  // gamma 0: the return is the reward itself
  std::vector<float> r = {2};
  const std::vector<uint8_t> ended = {0};
  norm.Apply(r, ended, 100.0);
  // after one sample of 2 the running variance is ~0 (count 1e-4 + 1): scaled up, clipped
  EXPECT_GT(std::abs(r[0]), 2.0f);
  std::vector<float> r2 = {4};
  norm.Apply(r2, ended, 100.0);
  EXPECT_NEAR(r2[0], 4.0 / 1.0, 0.05);  // var of {2, 4} = 1
}

}  // namespace
}  // namespace rlab::rl
