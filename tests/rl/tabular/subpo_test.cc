// SubPO (arXiv:2307.13372): the coverage function is monotone and submodular, marginal gains
// telescope to F of the visited set, the REINFORCE term matches the hand-computed score
// function, and the exhaustive optimum of a line is known.
#include "rlab/rl/tabular/subpo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/submodular_coverage.h"

namespace rlab::rl::tabular {
namespace {

GridCoverage RandomCoverage(int64_t rows, int64_t cols, int64_t radius, Rng& rng) {
  std::vector<double> weights(rows * cols);
  for (double& w : weights) w = rng.Uniform();
  return GridCoverage(rows, cols, radius, weights);
}

TEST(SubmodularCoverage, IsMonotoneWithDiminishingReturnsOnRandomSets) {
  Rng rng(11);
  const GridCoverage f = RandomCoverage(5, 6, 1, rng);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<int64_t> small, large;  // small is a subset of large
    for (int64_t c = 0; c < f.num_cells(); ++c) {
      const double u = rng.Uniform();
      if (u < 0.15) small.push_back(c);
      if (u < 0.4) large.push_back(c);
    }
    const int64_t extra = rng.UniformInt(f.num_cells());
    std::vector<int64_t> small_plus = small, large_plus = large;
    small_plus.push_back(extra);
    large_plus.push_back(extra);
    const double gain_small = f.Value(small_plus) - f.Value(small);
    const double gain_large = f.Value(large_plus) - f.Value(large);
    EXPECT_GE(f.Value(large), f.Value(small) - 1e-12);  // monotone
    EXPECT_GE(gain_large, -1e-12);
    EXPECT_GE(gain_small, gain_large - 1e-12);  // diminishing returns
  }
}

TEST(SubmodularCoverage, SingletonCoversItsChebyshevNeighbourhood) {
  const GridCoverage f(3, 3, 1, std::vector<double>(9, 1.0));
  EXPECT_DOUBLE_EQ(f.SingletonValue(4), 9.0);  // the centre covers the whole 3 x 3 grid
  EXPECT_DOUBLE_EQ(f.SingletonValue(0), 4.0);  // a corner covers its 2 x 2 block
  EXPECT_DOUBLE_EQ(f.Value({0, 0, 0}), 4.0);   // repeats count once
}

TEST(Subpo, MarginalGainsTelescopeToTheCoverageOfTheVisitedSet) {
  Rng rng(3);
  const CoveragePathTask task{.rows = 4, .cols = 5, .start = 7, .horizon = 9};
  const GridCoverage f = RandomCoverage(task.rows, task.cols, 1, rng);
  TimeIndexedSoftmaxPolicy policy(task.horizon, f.num_cells(), 4);
  for (int trial = 0; trial < 20; ++trial) {
    const PathEpisode e = SamplePathEpisode(task, f, policy, PathReward::kMarginalGain, rng);
    double sum = 0.0;
    for (double r : e.rewards) sum += r;
    EXPECT_NEAR(f.SingletonValue(task.start) + sum, f.Value(e.states), 1e-12);
  }
}

TEST(Subpo, ModularRewardIsTheSingletonValueOfEachNextCell) {
  Rng rng(4);
  const CoveragePathTask task{.rows = 3, .cols = 3, .start = 0, .horizon = 5};
  const GridCoverage f = RandomCoverage(3, 3, 1, rng);
  TimeIndexedSoftmaxPolicy policy(task.horizon, 9, 4);
  const PathEpisode e = SamplePathEpisode(task, f, policy, PathReward::kModular, rng);
  for (int64_t t = 0; t < task.horizon; ++t) {
    EXPECT_DOUBLE_EQ(e.rewards[t], f.SingletonValue(e.states[t + 1]));
  }
}

TEST(Subpo, ReinforceTermOfOneStepMatchesTheHandComputedScore) {
  // One step, one state: logits (0, ln 2, 0, 0) give pi = (1/5, 2/5, 1/5, 1/5). Action 1 with
  // advantage 3 - 1 = 2 and scale 1/2 gives (1/2) * 2 * (e_1 - pi) = (-1/5, 3/5, -1/5, -1/5).
  TimeIndexedSoftmaxPolicy policy(1, 1, 4);
  policy.logits()[1] = std::log(2.0);
  const PathEpisode episode{.states = {0, 0}, .actions = {1}, .rewards = {3.0}};
  std::vector<double> grad(4, 0.0);
  AccumulateReinforceGradient(policy, episode, {2.0}, 0.5, &grad);
  const std::vector<double> expected = {-0.2, 0.6, -0.2, -0.2};
  for (int a = 0; a < 4; ++a) EXPECT_NEAR(grad[a], expected[a], 1e-12) << "action " << a;
}

TEST(Subpo, OptimumAndGreedyOfALineVisitOneNewCellPerMove) {
  // A 1 x 6 line, radius 0, unit weights, start at the left end: 4 moves reach 5 cells.
  const CoveragePathTask task{.rows = 1, .cols = 6, .start = 0, .horizon = 4};
  const GridCoverage f(1, 6, 0, std::vector<double>(6, 1.0));
  EXPECT_NEAR(OptimalPathCoverage(task, f), 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(GreedyPathCoverage(task, f), 5.0 / 6.0, 1e-12);
}

TEST(Subpo, OptimumIsAtLeastTheGreedyPathAndAnySampledPath) {
  Rng rng(5);
  const CoveragePathTask task{.rows = 4, .cols = 4, .start = 5, .horizon = 6};
  const GridCoverage f = RandomCoverage(4, 4, 1, rng);
  const double optimum = OptimalPathCoverage(task, f);
  EXPECT_GE(optimum, GreedyPathCoverage(task, f) - 1e-12);
  TimeIndexedSoftmaxPolicy policy(task.horizon, 16, 4);
  for (int trial = 0; trial < 50; ++trial) {
    const PathEpisode e = SamplePathEpisode(task, f, policy, PathReward::kMarginalGain, rng);
    EXPECT_LE(f.Value(e.states) / f.total_weight(), optimum + 1e-12);
  }
}

}  // namespace
}  // namespace rlab::rl::tabular
