// Exact optima of risk functionals on a FiniteHorizonMdp by enumeration, independent of any
// dynamic programme over the stock: the laws of the return of every deterministic
// history-dependent policy, and the best deterministic Markov policy. Randomising does not help
// the functionals of the risk studies (each is, as a function of the law, a maximum or a
// monotone transform of a minimum of linear functions, so a mixture of laws never beats its best
// component), so these are the optima over randomised policies too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"

namespace rlab::rl::tabular {

// Which laws HistoryPolicyReturns may drop: none (every distinct law), those first-order
// dominated by another (no functional that prefers higher returns loses its optimum: CVaR, EVaR,
// P(G >= x), E[G]), or those second-order dominated (no functional monotone in the increasing
// concave order loses it: CVaR, ES, EVaR, E[u(G)] for concave increasing u, but not P(G >= x)).
enum class DominanceOrder { kNone, kFirstOrder, kSecondOrder };

// The laws of the return of all deterministic history-dependent policies. A policy picks, after
// each history ending in state s at step t, one continuation from the laws reachable from (t, s),
// so the set is built backward per (t, s) by mixing every choice per successor, dropping the
// laws dominated (within 1e-12) in `order` as they are built (both orders are kept by mixing and
// shifting). kNone suits tiny MDPs only. Throws rlab::Error when a set would pass `max_laws`.
std::vector<ReturnDistribution> HistoryPolicyReturns(const FiniteHorizonMdp& mdp,
                                                     DominanceOrder order,
                                                     size_t max_laws = size_t{1} << 20);

// The highest score(law) over the given laws.
double BestScore(const std::vector<ReturnDistribution>& laws,
                 const std::function<double(const ReturnDistribution&)>& score);

struct MarkovSearchResult {
  double score = 0.0;
  MarkovPolicy policy;
};
// The best deterministic Markov policy by score(law of the return), higher is better (ties to the
// first in enumeration order): every choice of action at each (step, state) some policy reaches,
// A^(such pairs) policies. Throws rlab::Error when there are more than `max_policies`.
MarkovSearchResult BestMarkovPolicy(const FiniteHorizonMdp& mdp,
                                    const std::function<double(const ReturnDistribution&)>& score,
                                    int64_t max_policies = int64_t{1} << 20);

}  // namespace rlab::rl::tabular
