// The effective horizon of an episodic MDP, exactly from its model: how many steps of value
// iteration on the random policy's Q make greedy action optimal, and how hard the values that
// greedy choice needs are to estimate from random rollouts.
//
// Laidlaw, Russell and Dragan, "Bridging RL Theory and Practice with the Effective Horizon",
// arXiv 2304.09853 (section 5: k-QVI, GORP and H = min_k H_k for deterministic MDPs), and
// Laidlaw, Zhu, Russell and Dragan, "The Effective Horizon Explains Deep RL Performance in
// Stochastic Environments", arXiv 2312.08369 (section 3: k-QVI-solvability and the stochastic
// effective horizon that bounds SQIRL's sample complexity).
//
// What is computed here (returns must lie in [0, 1], as the papers assume):
//   Q^1 = Q^{pi_rand}, the uniformly random policy's Q, and for j >= 1
//   Q^{j+1}_t(s, a) = r(s, a) + sum_s' P(s' | s, a) max_a' Q^j_{t+1}(s', a')   (k-QVI, k - 1
//   Bellman optimality backups of Q^{pi_rand}; Q^j_T = 0).
//   The MDP is k-QVI-solvable when every policy greedy with respect to Q^k is optimal.
//   Delta_k = min over the (t, s) that greedy policies on Q^k reach of the gap between the best
//   and the second-best value of Q^k_t(s, .) (states whose actions all tie are skipped; 1 when
//   no state has a gap).
//   H_k = k + log_A(1 / Delta_k^2) for a k-QVI-solvable MDP (infinite otherwise), and the
//   effective horizon H = min_k H_k. This is the stochastic effective horizon of arXiv
//   2312.08369, section 3 (the bound of Theorem 3.x is O~(k T^3 A^{H_k} log|F| / eps) for
//   SQIRL): 1 / Delta_k^2 random rollouts per action sequence of length k tell the best action
//   apart, so A^{H_k} = A^k / Delta_k^2 rollouts suffice at each step. One deviation: the paper
//   takes the gap over every state; here it is over the states greedy policies reach, the only
//   ones whose action changes the return (and the only ones SQIRL's rollouts must rank).
#pragma once

#include <cstdint>
#include <vector>

#include "rlab/rl/tabular/effective_horizon_mdp.h"

namespace rlab::rl::tabular {

// Q^k [T, S, A] of k-QVI (k >= 1): k - 1 Bellman optimality backups of Q^{pi_rand}.
StepTable KQvi(const EpisodicMdp& mdp, int64_t k);

// Whether every policy greedy with respect to q [T, S, A] is optimal: at every (t, s) that some
// greedy policy reaches with positive probability, each action within `tolerance` of the best
// of q is optimal under Q*.
bool GreedyIsOptimal(const EpisodicMdp& mdp, const StepTable& q, double tolerance = 1e-9);

// Delta of q: the smallest gap between the best and the second-best action value over the
// (t, s) greedy policies on q reach (1 when there is none).
double GreedyGap(const EpisodicMdp& mdp, const StepTable& q, double tolerance = 1e-9);

// One depth k of k-QVI.
struct QviDepth {
  int64_t k = 1;
  bool greedy_optimal = false;
  double gap = 1.0;        // Delta_k
  double horizon_k = 0.0;  // H_k; +infinity when not k-QVI-solvable
};

struct EffectiveHorizon {
  int64_t min_k = 0;               // the smallest k for which the MDP is k-QVI-solvable
  int64_t best_k = 0;              // the k that minimises H_k
  double gap = 1.0;                // Delta at best_k
  double effective_horizon = 0.0;  // H = min_k H_k
  double optimal_return = 0.0;     // J*
  double random_return = 0.0;      // J(pi_rand)
  std::vector<QviDepth> depths;    // k = 1 .. horizon
};

// Every depth k = 1 .. T (T-QVI is value iteration, so some k always solves the MDP). Throws
// rlab::Error when a reward is negative or a value exceeds 1 (the gap's scale assumes returns
// in [0, 1]).
EffectiveHorizon AnalyseEffectiveHorizon(const EpisodicMdp& mdp, double tolerance = 1e-9);

}  // namespace rlab::rl::tabular
