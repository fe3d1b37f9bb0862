#include "rlab/envs/tabular/grid_world.h"

#include <torch/torch.h>

#include <array>
#include <cmath>

#include "rlab/core/check.h"

namespace rlab::envs::tabular {

namespace {

constexpr std::array<int64_t, kGridActions> kRowStep = {-1, 0, 1, 0};
constexpr std::array<int64_t, kGridActions> kColStep = {0, 1, 0, -1};

GridCell Move(const GridWorldOptions& options, GridCell cell, int64_t action) {
  const GridCell next{cell.row + kRowStep[action], cell.col + kColStep[action]};
  const bool inside =
      next.row >= 0 && next.row < options.rows && next.col >= 0 && next.col < options.cols;
  return inside ? next : cell;
}

}  // namespace

int64_t GridState(const GridWorldOptions& options, GridCell cell) {
  RLAB_CHECK(cell.row >= 0 && cell.row < options.rows && cell.col >= 0 && cell.col < options.cols,
             "grid cell ({}, {}) is outside the {} x {} grid", cell.row, cell.col, options.rows,
             options.cols);
  return cell.row * options.cols + cell.col;
}

FiniteMdp MakeGridWorld(const GridWorldOptions& options) {
  RLAB_CHECK(options.rows > 0 && options.cols > 0, "grid world needs rows, cols > 0, got {} x {}",
             options.rows, options.cols);
  RLAB_CHECK(options.slip >= 0.0 && options.slip <= 1.0,
             "grid world slip must be in [0, 1], got {}", options.slip);
  RLAB_CHECK(std::isfinite(options.step_cost), "grid world step_cost must be finite");
  CheckDiscount(options.gamma);
  const int64_t num_states = options.rows * options.cols;

  std::vector<GridGoal> goals = options.goals;
  if (goals.empty()) goals.push_back({{options.rows - 1, options.cols - 1}, 1.0});
  std::vector<double> goal_reward(num_states, 0.0);
  std::vector<bool> is_goal(num_states, false);
  for (const GridGoal& goal : goals) {
    const int64_t s = GridState(options, goal.cell);
    RLAB_CHECK(!is_goal[s], "grid world goal ({}, {}) is listed twice", goal.cell.row,
               goal.cell.col);
    RLAB_CHECK(std::isfinite(goal.reward), "grid world goal reward must be finite");
    is_goal[s] = true;
    goal_reward[s] = goal.reward;
  }

  torch::Tensor transitions = torch::zeros({num_states, kGridActions, num_states}, torch::kDouble);
  torch::Tensor rewards = torch::zeros({num_states, kGridActions, num_states}, torch::kDouble);
  auto p = transitions.accessor<double, 3>();
  auto r = rewards.accessor<double, 3>();
  for (int64_t row = 0; row < options.rows; ++row) {
    for (int64_t col = 0; col < options.cols; ++col) {
      const int64_t s = row * options.cols + col;
      for (int64_t a = 0; a < kGridActions; ++a) {
        if (is_goal[s]) {
          p[s][a][s] = 1.0;  // absorbing, reward 0
          continue;
        }
        // The intended move, then the two perpendicular ones (a +- 1 mod 4).
        const std::array<int64_t, 3> moves = {a, (a + 1) % kGridActions, (a + 3) % kGridActions};
        const std::array<double, 3> probs = {1.0 - options.slip, options.slip / 2,
                                             options.slip / 2};
        for (int i = 0; i < 3; ++i) {
          const GridCell next = Move(options, {row, col}, moves[i]);
          p[s][a][next.row * options.cols + next.col] += probs[i];
        }
        for (int64_t next = 0; next < num_states; ++next) {
          r[s][a][next] = -options.step_cost + (is_goal[next] ? goal_reward[next] : 0.0);
        }
      }
    }
  }

  torch::Tensor initial = torch::zeros({num_states}, torch::kDouble);  // [S]
  auto mu = initial.accessor<double, 1>();
  if (options.start) {
    mu[GridState(options, *options.start)] = 1.0;
  } else {
    for (int64_t s = 0; s < num_states; ++s) mu[s] = is_goal[s] ? 0.0 : 1.0;
    const double count = initial.sum().item<double>();
    RLAB_CHECK(count > 0, "grid world has only goal cells; give it at least one other cell");
    initial /= count;
  }
  FiniteMdp mdp{transitions, rewards, initial, options.gamma};
  mdp.Validate();
  return mdp;
}

}  // namespace rlab::envs::tabular
