// PAMC, Policy-Aware Matrix Completion, from "What Fundamental Structure in Reward Functions
// Enables Efficient Sparse-Reward Learning?" (Shihab, Akter and Sharma, arXiv:2509.03790), in
// a tabular form.
//
// The task: a finite MDP with known dynamics whose mean reward matrix R [S, A] has rank r and is
// sparse (only a fraction of the states carry reward); the agent sees a noisy reward only for
// the (s, a) it takes. Both learners explore the same way: every `check_every` samples they plan
// (value iteration) on an optimistic reward and act epsilon-greedily on it, where an entry taken
// n >= 1 times counts its observed mean plus bonus / sqrt(n). They differ in the entries never
// taken:
//   - observed only: optimistic Rmax when exploring, 0 in the point estimate (R-max style);
//   - PAMC: a rank-r completion (alternating least squares on the observed means of a fit
//     split, every entry weighted once, i.e. visit counts inverse-propensity weighted) with a
//     split-conformal interval from the held-out calibration entries; it explores on
//     min(Rmax, Rhat + q) and estimates Rhat. Where the completion cannot identify an entry
//     (its row or column has fewer than r fit entries) or the calibration set is too small for
//     level 1 - alpha, PAMC abstains and falls back to the observed-only rule.
// Measured: samples until the greedy policy on the point estimate is tolerance-optimal for the
// true reward at every later check, the conformal coverage and completion error on the entries
// PAMC fills in, and the learners' compute.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "rlab/rl/tabular/low_rank_completion.h"

namespace rlab::rl::tabular {

struct LowRankRewardTaskOptions {
  int64_t num_states = 30;
  int64_t num_actions = 6;
  int64_t successors = 3;           // next states per (s, a), as in envs/tabular/random_mdp.h
  int64_t rank = 2;                 // rank of the mean reward matrix
  double rewarding_fraction = 0.3;  // states whose reward row is non-zero
  double noise = 0.1;               // std of the Gaussian noise on each observed reward
  double gamma = 0.9;
};

struct LowRankRewardTask {
  torch::Tensor transitions;  // [S, A, S'] double
  torch::Tensor initial;      // [S] double
  double gamma = 0.9;
  int64_t num_states = 0;
  int64_t num_actions = 0;
  int64_t rank = 0;
  double noise = 0.0;
  double max_reward = 1.0;     // Rmax, known to the learners: rewards lie in [0, max_reward]
  std::vector<double> reward;  // [S, A] mean rewards: U V^T with U, V >= 0, max entry 1
};

// Deterministic per (options, seed).
LowRankRewardTask MakeLowRankRewardTask(const LowRankRewardTaskOptions& options, uint64_t seed);

enum class RewardEstimate { kObservedOnly, kCompleted };

struct PamcOptions {
  int64_t budget = 8000;              // environment samples per learner
  int64_t check_every = 20;           // samples between plans and optimality checks
  double epsilon = 0.1;               // random-action probability of the explorer
  double bonus = 0.2;                 // optimism on an observed entry: mean + bonus / sqrt(count)
  double tolerance = 0.01;            // optimal: J* - J(greedy) <= tolerance * J*
  double alpha = 0.1;                 // conformal miscoverage level
  double calibration_fraction = 0.3;  // share of observed entries held out for calibration
  LowRankCompletionOptions completion;
  bool measure_wall_time = false;
};

struct ExplorationOutcome {
  int64_t samples_to_optimal = 0;  // the budget when never stably optimal
  bool solved = false;             // optimal at the last check
  double work = 0.0;               // multiply-adds of the learner's planning and completion
  double seconds = 0.0;            // wall time of the same (when measured, else 0)
  // PAMC only, pooled over checks, on the unobserved entries it filled in:
  int64_t filled_entries = 0;
  int64_t covered_entries = 0;  // true R inside [Rhat - q, Rhat + q]
  double squared_error = 0.0;   // sum of (Rhat - R)^2
  double half_width_sum = 0.0;  // sum of q over checks with a finite q
  int64_t conformal_checks = 0;
};

ExplorationOutcome RunSparseRewardExplorer(const LowRankRewardTask& task, RewardEstimate estimate,
                                           const PamcOptions& options, uint64_t seed);

}  // namespace rlab::rl::tabular
