#include "rlab/envs/tabular/grid_world.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/value_iteration.h"

namespace rlab::envs::tabular {
namespace {

// Closed form for a deterministic grid (slip 0) with one goal of reward g and step cost c >= 0,
// g >= 0. From a cell at Manhattan distance d >= 1 from the goal, a shortest path takes d
// steps: the first d - 1 earn -c, the last earns -c + g, and the absorbing goal earns 0 after.
//   V*(s) = -c (1 + gamma + ... + gamma^(d-1)) + gamma^(d-1) g
//         = -c (1 - gamma^d) / (1 - gamma) + gamma^(d-1) g.
// A longer path of length d' > d is worse (both terms decrease in d'), and never arriving
// earns -c / (1 - gamma), the limit d' -> infinity. V* of the goal cell is 0.
double ClosedFormValue(int64_t d, double step_cost, double goal_reward, double gamma) {
  if (d == 0) return 0.0;
  return -step_cost * (1.0 - std::pow(gamma, d)) / (1.0 - gamma) +
         std::pow(gamma, d - 1) * goal_reward;
}

void ExpectClosedFormValues(const GridWorldOptions& options) {
  const FiniteMdp mdp = MakeGridWorld(options);
  const ValueIterationResult result = ValueIteration(mdp);
  const GridCell goal = options.goals.at(0).cell;
  for (int64_t row = 0; row < options.rows; ++row) {
    for (int64_t col = 0; col < options.cols; ++col) {
      const int64_t d = std::abs(row - goal.row) + std::abs(col - goal.col);
      const double expected =
          ClosedFormValue(d, options.step_cost, options.goals[0].reward, options.gamma);
      EXPECT_NEAR(result.values[GridState(options, {row, col})].item<double>(), expected, 1e-9)
          << "cell (" << row << ", " << col << "), distance " << d;
    }
  }
}

TEST(GridWorld, CorridorWithGoalRewardHasDiscountedGoalValues) {
  // V*(s) = gamma^(d-1) on a 1 x 7 corridor with the goal at the right end.
  ExpectClosedFormValues({.rows = 1, .cols = 7, .goals = {{{0, 6}, 1.0}}, .gamma = 0.9});
}

TEST(GridWorld, CorridorWithStepCostHasGeometricCosts) {
  // V*(s) = -(1 - gamma^d) / (1 - gamma).
  ExpectClosedFormValues(
      {.rows = 1, .cols = 6, .goals = {{{0, 0}, 0.0}}, .step_cost = 1.0, .gamma = 0.95});
}

TEST(GridWorld, GridValuesFollowManhattanDistance) {
  ExpectClosedFormValues(
      {.rows = 4, .cols = 5, .goals = {{{1, 3}, 2.0}}, .step_cost = 0.5, .gamma = 0.8});
}

TEST(GridWorld, GreedyPolicyWalksAShortestPath) {
  const GridWorldOptions options{.rows = 3, .cols = 4, .goals = {{{2, 1}, 1.0}}, .gamma = 0.9};
  const FiniteMdp mdp = MakeGridWorld(options);
  const torch::Tensor next_state =
      torch::argmax((ValueIteration(mdp).policy.unsqueeze(2) * mdp.transitions).sum(1), 1);  // [S]
  for (int64_t row = 0; row < options.rows; ++row) {
    for (int64_t col = 0; col < options.cols; ++col) {
      const int64_t d = std::abs(row - 2) + std::abs(col - 1);
      if (d == 0) continue;
      const int64_t next = next_state[GridState(options, {row, col})].item<int64_t>();
      const int64_t next_d = std::abs(next / options.cols - 2) + std::abs(next % options.cols - 1);
      EXPECT_EQ(next_d, d - 1) << "from (" << row << ", " << col << ")";
    }
  }
}

TEST(GridWorld, LayoutActionsWallsAndAbsorbingGoal) {
  const GridWorldOptions options{.rows = 2, .cols = 3, .goals = {{{1, 2}, 5.0}}, .step_cost = 1.0};
  const FiniteMdp mdp = MakeGridWorld(options);
  ASSERT_EQ(mdp.transitions.sizes(), (std::vector<int64_t>{6, 4, 6}));
  // From (0, 0) = state 0: up and left hit the wall, right goes to state 1, down to state 3.
  EXPECT_EQ(mdp.transitions[0][kUp][0].item<double>(), 1.0);
  EXPECT_EQ(mdp.transitions[0][kLeft][0].item<double>(), 1.0);
  EXPECT_EQ(mdp.transitions[0][kRight][1].item<double>(), 1.0);
  EXPECT_EQ(mdp.transitions[0][kDown][3].item<double>(), 1.0);
  // Entering the goal (state 5) from state 4 pays goal reward minus the step cost.
  EXPECT_EQ(mdp.rewards[4][kRight][5].item<double>(), 4.0);
  EXPECT_EQ(mdp.rewards[4][kUp][1].item<double>(), -1.0);
  // The goal is absorbing with reward 0.
  for (int64_t a = 0; a < kGridActions; ++a) {
    EXPECT_EQ(mdp.transitions[5][a][5].item<double>(), 1.0);
    EXPECT_EQ(mdp.rewards[5][a].abs().sum().item<double>(), 0.0);
  }
  // Uniform start over the five non-goal cells.
  EXPECT_NEAR(mdp.initial[0].item<double>(), 0.2, 1e-15);
  EXPECT_EQ(mdp.initial[5].item<double>(), 0.0);
}

TEST(GridWorld, SlipSpreadsOverPerpendicularMoves) {
  const GridWorldOptions options{.rows = 3, .cols = 3, .slip = 0.2, .start = GridCell{1, 1}};
  const FiniteMdp mdp = MakeGridWorld(options);
  const int64_t centre = GridState(options, {1, 1});
  EXPECT_NEAR(mdp.transitions[centre][kUp][1].item<double>(), 0.8, 1e-15);
  EXPECT_NEAR(mdp.transitions[centre][kUp][3].item<double>(), 0.1, 1e-15);
  EXPECT_NEAR(mdp.transitions[centre][kUp][5].item<double>(), 0.1, 1e-15);
  EXPECT_EQ(mdp.transitions[centre][kUp][7].item<double>(), 0.0);
  EXPECT_EQ(mdp.initial[centre].item<double>(), 1.0);
  // The default goal is the bottom-right cell.
  EXPECT_EQ(mdp.transitions[8][kUp][8].item<double>(), 1.0);
  // With slip the optimal values are below the deterministic closed form.
  const double deterministic = ClosedFormValue(2, 0.0, 1.0, 0.9);
  EXPECT_LT(ValueIteration(mdp).values[centre].item<double>(), deterministic);
}

TEST(GridWorld, RejectsBadOptions) {
  EXPECT_THROW(MakeGridWorld({.slip = 1.5}), Error);
  EXPECT_THROW(MakeGridWorld({.gamma = 1.0}), Error);
  EXPECT_THROW(MakeGridWorld({.rows = 0}), Error);
  EXPECT_THROW(MakeGridWorld({.goals = {{{4, 0}, 1.0}}}), Error);
  EXPECT_THROW(MakeGridWorld({.goals = {{{1, 1}, 1.0}, {{1, 1}, 2.0}}}), Error);
  EXPECT_THROW(MakeGridWorld({.rows = 1, .cols = 1}), Error);  // only a goal cell
}

}  // namespace
}  // namespace rlab::envs::tabular
