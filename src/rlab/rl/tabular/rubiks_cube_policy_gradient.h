// Policy gradient with a learned cost between states on the 2x2x2 cube, after "Solving Rubik's
// Cube Without Tricky Sampling" (Lin and Liang, arXiv:2411.19583), at a minute of CPU.
//
// The paper trains from scrambled states only: no sampling near the solved state and no tree
// search. A network (their ChaseNet) predicts the cost, in moves, between two states; a policy
// network trained by policy gradient with a sparse reward then reaches targets, and at test time
// the policy alone, aimed at the solved state, solves the cube. Here:
//  - cost network C(s, g): an MLP on the one-hot features of both states, regressed on the
//    length L of a random walk from a uniformly random (fully scrambled) state s to g, L drawn
//    in [0, cost_window] (L bounds the true cost from above);
//  - policy pi(a | s, g): an MLP on the same pair, trained by REINFORCE on episodes that start
//    at a uniformly random state s0 with target g = s0 followed by k random moves (k drawn in
//    [scramble_min, scramble_max]); reward 1 on reaching g within train_budget moves, plus the
//    potential-based shaping shaping * (C(s, g) - C(s', g)) from the frozen cost network, which
//    leaves the optimal policies unchanged; baseline: the batch's mean return at each step;
//  - evaluation: the greedy policy aimed at the solved state, eval_budget moves, on cubes
//    scrambled 1..14 moves and on uniformly random states, against a uniformly random policy and
//    the exact optimum (a breadth-first search of all 3,674,160 states).
// Simplified from the paper: two phases (cost network, then policy) instead of joint training;
// tiny MLPs; the cost target is the walk length, not a minimum over walks.
// relative_goal=true feeds the single state g^-1 * s instead of the pair: on a group the cost
// from s to g is the cost from g^-1 * s to solved, so with it a target k moves from a scrambled
// state is exactly a state k moves from solved, which shows what the pair form costs.
#pragma once

#include <cstdint>

#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

struct RubiksCubePolicyGradientOptions {
  int hidden = 128;
  bool relative_goal = false;
  int cost_iterations = 1500;
  int cost_batch = 256;
  int cost_window = 10;
  int policy_iterations = 2000;
  int episodes = 128;
  int scramble_min = 1;
  int scramble_max = 8;
  int train_budget = 12;
  double shaping = 0.5;
  double entropy = 0.01;
  double learning_rate = 1e-3;
  int eval_budget = 20;
  int eval_cubes = 500;
};

// Trains both networks from `seed` and reports the figures of the study, in order: the group's
// size and diameter from the search, the cost network's correlation with the exact distance,
// then per scramble depth and for uniformly random states the solve rates of the learned
// policy, the random policy and the optimum.
StudyResult RunRubiksCubePolicyGradient(const RubiksCubePolicyGradientOptions& options,
                                        uint64_t seed);

}  // namespace rlab::rl::tabular
