// PAMC (arXiv:2509.03790): alternating least squares recovers an exactly low-rank matrix from a
// known mask, the split-conformal quantile follows the ceil((n + 1)(1 - alpha)) rule, its
// intervals cover fresh points at the nominal rate, and the task's reward matrix has the rank
// and sparsity it claims.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <vector>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/conformal_interval.h"
#include "rlab/rl/tabular/low_rank_completion.h"
#include "rlab/rl/tabular/pamc.h"

namespace rlab::rl::tabular {
namespace {

TEST(LowRankCompletion, RecoversAnExactlyRankTwoMatrixFromAKnownMask) {
  // M = U V^T with U [10, 2], V [8, 2], Normal entries; the mask keeps 59 of the 80 entries
  // (every row and column keeps at least 4), well above the 2 * (10 + 8) - 4 = 32 degrees of
  // freedom of a rank-2 matrix.
  Rng rng(1);
  const int64_t rows = 10, cols = 8, rank = 2;
  std::vector<double> u(rows * rank), v(cols * rank);
  for (double& x : u) x = rng.Normal();
  for (double& x : v) x = rng.Normal();
  auto m = [&](int64_t i, int64_t j) { return u[i * 2] * v[j * 2] + u[i * 2 + 1] * v[j * 2 + 1]; };
  std::vector<bool> hidden(rows * cols);
  std::vector<int64_t> row_kept(rows, 0), col_kept(cols, 0);
  std::vector<ObservedEntry> entries;
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      hidden[i * cols + j] = rng.Uniform() < 0.3;
      if (hidden[i * cols + j]) continue;
      entries.push_back({.row = i, .col = j, .value = m(i, j)});
      ++row_kept[i];
      ++col_kept[j];
    }
  }
  ASSERT_EQ(entries.size(), 59u);
  for (int64_t k : row_kept) ASSERT_GE(k, 4);
  for (int64_t k : col_kept) ASSERT_GE(k, 4);
  Rng init(2);
  const LowRankFactors f =
      CompleteLowRank(rows, cols, entries, {.rank = rank, .iterations = 500, .ridge = 1e-12}, init);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      EXPECT_NEAR(f.Predict(i, j), m(i, j), 1e-6)
          << "entry (" << i << ", " << j << ")" << (hidden[i * cols + j] ? " hidden" : "");
    }
  }
}

TEST(LowRankCompletion, AnUnobservedRowPredictsZero) {
  Rng init(3);
  const LowRankFactors f = CompleteLowRank(
      3, 2, {{.row = 0, .col = 0, .value = 1.0}, {.row = 0, .col = 1, .value = 2.0}},
      {.rank = 1, .iterations = 20, .ridge = 1e-6}, init);
  EXPECT_DOUBLE_EQ(f.Predict(2, 0), 0.0);
  EXPECT_NEAR(f.Predict(0, 1), 2.0, 1e-4);
}

TEST(ConformalInterval, QuantileIsTheCeilNPlusOneRankOfTheResiduals) {
  const std::vector<double> residuals = {0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6};  // n = 9
  EXPECT_EQ(ConformalRank(9, 0.2), 8);                            // ceil(10 * 0.8) = 8
  EXPECT_DOUBLE_EQ(SplitConformalQuantile(residuals, 0.2), 0.8);  // 8th smallest
  EXPECT_EQ(ConformalRank(9, 0.5), 5);
  EXPECT_DOUBLE_EQ(SplitConformalQuantile(residuals, 0.5), 0.5);
  EXPECT_EQ(ConformalRank(19, 0.1), 18);  // (19 + 1) * 0.9 = 18 exactly, not 19
  // ceil(10 * 0.95) = 10 > 9: too few residuals for 95%, the interval is the whole line.
  EXPECT_TRUE(std::isinf(SplitConformalQuantile(residuals, 0.05)));
  EXPECT_TRUE(std::isinf(SplitConformalQuantile({}, 0.1)));
}

TEST(ConformalInterval, CoversFreshPointsAtTheNominalRateForAMisspecifiedPredictor) {
  // y = x^2 + Normal(0, 0.3), predicted by the wrong model yhat = x. With n = 99 calibration
  // points and alpha = 0.1 the exact marginal coverage is 90 / 100.
  Rng rng(7);
  const double alpha = 0.1;
  int64_t covered = 0, total = 0;
  for (int rep = 0; rep < 200; ++rep) {
    std::vector<double> residuals;
    for (int i = 0; i < 99; ++i) {
      const double x = rng.Uniform(-1.0, 1.0);
      residuals.push_back(std::abs(x * x + 0.3 * rng.Normal() - x));
    }
    const double q = SplitConformalQuantile(residuals, alpha);
    for (int i = 0; i < 200; ++i) {
      const double x = rng.Uniform(-1.0, 1.0);
      covered += std::abs(x * x + 0.3 * rng.Normal() - x) <= q ? 1 : 0;
      ++total;
    }
  }
  EXPECT_NEAR(static_cast<double>(covered) / static_cast<double>(total), 0.9, 0.01);
}

TEST(PamcTask, RewardMatrixHasItsRankSparseRowsAndMaximumOne) {
  const LowRankRewardTask task = MakeLowRankRewardTask(
      {.num_states = 20, .num_actions = 5, .rank = 2, .rewarding_fraction = 0.25}, 9);
  const torch::Tensor r = torch::tensor(task.reward, torch::kDouble).reshape({20, 5});
  const torch::Tensor singular = torch::linalg_svdvals(r);
  EXPECT_GT(singular[1].item<double>(), 1e-3);
  EXPECT_LT(singular[2].item<double>(), 1e-10);
  EXPECT_DOUBLE_EQ(r.max().item<double>(), 1.0);
  EXPECT_GE(r.min().item<double>(), 0.0);
  EXPECT_EQ((r.abs().sum(1) > 0).sum().item<int64_t>(), 5);  // round(0.25 * 20) rewarding rows
}

TEST(PamcExplorer, WithEveryPolicyToleratedNoSampleIsNeededAndBothLearnersAgree) {
  // Rewards are >= 0, so J(any policy) >= 0 = J* - 1 * J*: tolerance 1 accepts the first plan.
  const LowRankRewardTask task =
      MakeLowRankRewardTask({.num_states = 8, .num_actions = 3, .rank = 1}, 5);
  const PamcOptions options{.budget = 60, .check_every = 10, .tolerance = 1.0};
  for (RewardEstimate estimate : {RewardEstimate::kCompleted, RewardEstimate::kObservedOnly}) {
    const ExplorationOutcome out = RunSparseRewardExplorer(task, estimate, options, 1);
    EXPECT_TRUE(out.solved);
    EXPECT_EQ(out.samples_to_optimal, 0);
    EXPECT_GT(out.work, 0.0);
  }
}

}  // namespace
}  // namespace rlab::rl::tabular
