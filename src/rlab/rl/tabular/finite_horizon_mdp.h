// A finite-horizon, undiscounted tabular MDP with integer rewards, where the law of the return
// is computed exactly: the return of an episode of `horizon` steps is an integer between
// LowestStock() and HighestStock(), and so is the reward accumulated after any number of steps
// (the "stock"). Policies here are deterministic and act at step t on the state and the stock;
// a Markov policy ignores the stock.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "rlab/core/registry.h"
#include "rlab/rl/tabular/return_distribution.h"

namespace rlab::rl::tabular {

struct FiniteHorizonMdp {
  int64_t num_states = 0;
  int64_t num_actions = 0;
  int64_t horizon = 0;
  std::vector<double> transitions;  // [S, A, S'] P(s' | s, a)
  std::vector<int64_t> rewards;     // [S, A, S'] R(s, a, s')
  std::vector<double> initial;      // [S]

  double P(int64_t s, int64_t a, int64_t next) const {
    return transitions[(s * num_actions + a) * num_states + next];
  }
  int64_t R(int64_t s, int64_t a, int64_t next) const {
    return rewards[(s * num_actions + a) * num_states + next];
  }
  // For MDPs built by hand: P(next | s, a) = p with reward r on that transition.
  void Set(int64_t s, int64_t a, int64_t next, double p, int64_t r) {
    transitions[(s * num_actions + a) * num_states + next] = p;
    rewards[(s * num_actions + a) * num_states + next] = r;
  }
  // Bounds of the stock after any number of steps, 0 (no step yet) included.
  int64_t LowestStock() const;
  int64_t HighestStock() const;
  // Throws rlab::Error on sizes that disagree, rows that are not distributions, or horizon < 1.
  void Validate() const;
};

// An MDP with every transition probability and reward 0, started in state 0: the blank that
// hand-built cases fill with Set().
FiniteHorizonMdp EmptyFiniteHorizonMdp(int64_t num_states, int64_t num_actions, int64_t horizon);

struct RandomFiniteHorizonMdpOptions {
  int64_t num_states = 3;
  int64_t num_actions = 2;
  int64_t successors = 2;  // next states per (s, a); 0: all
  int64_t horizon = 4;
  double reward_std = 1.5;  // rewards are Normal(0, reward_std) rounded to the nearest integer
  uint64_t seed = 0;
};

// The dynamics and initial distribution of envs/tabular's MakeRandomMdp with its rewards rounded
// to integers; deterministic per options.
FiniteHorizonMdp MakeRandomFiniteHorizonMdp(const RandomFiniteHorizonMdpOptions& options);
// The spec keys of a study drawing these MDPs (states, actions, successors, horizon, reward_std;
// defaults from RandomFiniteHorizonMdpOptions) and the options they give for `seed`.
std::vector<KeyDoc> RandomFiniteHorizonMdpKeys();
// The tail mass alpha of the risk studies' `alpha` key (CVaR, ES and EVaR at the same level, so
// that their tables compare), its default written once.
inline constexpr double kRiskStudyTailMass = 0.25;
RandomFiniteHorizonMdpOptions RandomFiniteHorizonMdpFromArgs(const SpecArgs& args, uint64_t seed);

// The action at step t in `state` with accumulated reward `stock`.
using StockDecision = std::function<int64_t(int64_t step, int64_t state, int64_t stock)>;

// The exact law of the return of the policy `decide`, by propagating the joint law of (state,
// stock) forward over the horizon.
ReturnDistribution ReturnOf(const FiniteHorizonMdp& mdp, const StockDecision& decide);

// A deterministic Markov policy: actions[t * S + s].
using MarkovPolicy = std::vector<int64_t>;
ReturnDistribution ReturnOf(const FiniteHorizonMdp& mdp, const MarkovPolicy& policy);

// The risk-neutral optimum: maximises E[G] by backward induction (ties to the lowest action).
MarkovPolicy RiskNeutralPolicy(const FiniteHorizonMdp& mdp);

}  // namespace rlab::rl::tabular
