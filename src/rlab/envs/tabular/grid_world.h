// GridWorld: a rows x cols grid of cells as a FiniteMdp.
//
// Layout. The state of cell (row, col) is row * cols + col; row 0 is the top row, col 0 the
// left column. Actions: 0 = up (row - 1), 1 = right (col + 1), 2 = down (row + 1),
// 3 = left (col - 1). A move that would leave the grid keeps the agent where it is.
//
// Dynamics. With probability 1 - slip the intended move happens; with probability slip / 2
// each, the move goes in one of the two perpendicular directions instead.
//
// Goals. Goal cells are terminal and modelled as absorbing states: every action there stays
// there with reward 0, so the return after reaching a goal is 0.
//
// Rewards. Every step taken from a non-goal cell costs step_cost (reward -step_cost); a step
// that enters a goal cell also earns that goal's reward.
//
// Initial distribution: the start cell when one is given, otherwise uniform over the non-goal
// cells.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rlab/envs/tabular/finite_mdp.h"

namespace rlab::envs::tabular {

struct GridCell {
  int64_t row = 0;
  int64_t col = 0;
};

struct GridGoal {
  GridCell cell;
  double reward = 1.0;
};

struct GridWorldOptions {
  int64_t rows = 4;
  int64_t cols = 4;
  std::vector<GridGoal> goals;    // empty: one goal of reward 1 in the bottom-right cell
  double slip = 0.0;              // in [0, 1]
  double step_cost = 0.0;         // >= 0 is the usual choice; any finite value is accepted
  std::optional<GridCell> start;  // none: uniform over non-goal cells
  double gamma = 0.9;
};

inline constexpr int64_t kGridActions = 4;
enum GridAction : int64_t { kUp = 0, kRight = 1, kDown = 2, kLeft = 3 };

// The state index of a cell; throws when the cell is outside the grid.
int64_t GridState(const GridWorldOptions& options, GridCell cell);

FiniteMdp MakeGridWorld(const GridWorldOptions& options);

}  // namespace rlab::envs::tabular
