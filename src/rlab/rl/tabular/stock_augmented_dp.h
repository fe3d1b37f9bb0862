// "Optimizing Return Distributions with Distributional Dynamic Programming" (Avila Pires,
// Rowland, Borsa, Guo, Khetarpal, Barreto, Abel, Munos and Dabney; arXiv:2501.13028).
//
// Stock augmentation: the state is augmented with the stock, the reward accumulated so far (the
// paper's c_t with discount 1 and c_0 = 0, on a FiniteHorizonMdp, where it is an integer), and
// distributional dynamic programming over (step, state, stock) optimises any objective of the
// form E[f(stock + return to come)] = E[f(G)] over all history-dependent policies: at each
// (t, s, c) the greedy action maximises E[f(c + G')] over the law of G' of each action, built
// from the laws already chosen at step t + 1, and that law is kept. CVaR is reached through
// Rockafellar and Uryasev, CVaR_alpha(G) = max_b { b - E[(b - G)^+] / alpha }: for each integer
// b the inner maximum is the expected utility f_b(g) = b - (b - g)^+ / alpha, and the optimal b is
// a quantile of an integer return, so searching every integer b in the return range is exact.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"

namespace rlab::rl::tabular {

// A deterministic policy of the stock-augmented MDP: actions[(t * S + s) * K + (c - lowest)].
struct StockPolicy {
  int64_t num_states = 0;
  int64_t lowest_stock = 0;
  int64_t num_stocks = 0;  // K
  std::vector<int64_t> actions;

  int64_t Action(int64_t step, int64_t state, int64_t stock) const {
    return actions[(step * num_states + state) * num_stocks + (stock - lowest_stock)];
  }
  StockDecision Decision() const;
};

struct StockDpResult {
  double value = 0.0;          // the optimal E[f(G)]
  StockPolicy policy;          // an optimal stock-augmented policy
  ReturnDistribution returns;  // the law of G under it, from the distributional backups
};

// Maximises E[utility(G)] over all (history-dependent) policies by distributional DP over the
// stock; ties go to the lowest action.
StockDpResult MaximiseExpectedUtility(const FiniteHorizonMdp& mdp,
                                      const std::function<double(int64_t)>& utility);

struct CvarDpResult {
  double cvar = 0.0;   // max over policies of CVaR_alpha(G)
  int64_t b = 0;       // the Rockafellar-Uryasev threshold that attains it
  StockDpResult best;  // the stock-augmented DP at that b (its value equals cvar)
};
// CVaR_alpha(G) maximised by the stock-augmented DP at every integer b in the return range.
CvarDpResult MaximiseCvar(const FiniteHorizonMdp& mdp, double alpha);

// A case where no Markov policy reaches the optimum. Three steps from state 0: the first goes
// to state 1 or 2 with probability 1/2 each (reward 0); the second goes from either to state 3,
// with reward 2 from state 1 and 0 from state 2; in state 3 the third step is safe (action 0:
// reward 1) or risky (action 1: reward 0 or 3 with probability 1/2 each). State 3 is the same
// whatever the stock (2 or 0), so a Markov policy cannot play safe with stock 2 and risky with
// stock 0, which is what CVaR_0.5 asks: optimum 1.5, best Markov policy 1 (by hand:
// safe/safe gives G in {3, 1}, risky/risky {5, 2, 3, 0}, both with CVaR_0.5 = 1; safe at
// stock 2 and risky at stock 0 gives {3, 3, 0} with probabilities 1/2, 1/4, 1/4).
FiniteHorizonMdp MakeStockRevealingMdp();

}  // namespace rlab::rl::tabular
