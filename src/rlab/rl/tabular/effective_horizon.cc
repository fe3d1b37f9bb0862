#include "rlab/rl/tabular/effective_horizon.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

double RowMax(const EpisodicMdp& mdp, const StepTable& q, int64_t t, int64_t s) {
  const double* row = &q[mdp.Index(t, s, 0)];
  return *std::max_element(row, row + mdp.num_actions);
}

// reached[t * S + s]: some policy greedy on q reaches (t, s) with positive probability. An
// episode stops in an absorbing state, so nothing after one is reached through it.
std::vector<bool> GreedyReach(const EpisodicMdp& mdp, const StepTable& q, double tolerance) {
  const int64_t S = mdp.num_states;
  std::vector<bool> reached(mdp.horizon * S, false);
  for (int64_t s = 0; s < S; ++s) reached[s] = mdp.initial[s] > 0.0;
  for (int64_t t = 0; t + 1 < mdp.horizon; ++t) {
    for (int64_t s = 0; s < S; ++s) {
      if (!reached[t * S + s] || mdp.absorbing[s]) continue;
      const double best = RowMax(mdp, q, t, s);
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        if (q[mdp.Index(t, s, a)] < best - tolerance) continue;
        for (int64_t next = 0; next < S; ++next) {
          if (mdp.P(s, a, next) > 0.0) reached[(t + 1) * S + next] = true;
        }
      }
    }
  }
  return reached;
}

}  // namespace

StepTable KQvi(const EpisodicMdp& mdp, int64_t k) {
  RLAB_CHECK(k >= 1, "k-QVI: k must be >= 1, got {}", k);
  StepTable q = PolicyQ(mdp, UniformStepPolicy(mdp));  // Q^1 = Q^{pi_rand}
  const int64_t S = mdp.num_states, A = mdp.num_actions;
  for (int64_t j = 1; j < k; ++j) {
    StepTable next_q(q.size(), 0.0);
    for (int64_t t = 0; t < mdp.horizon; ++t) {
      for (int64_t s = 0; s < S; ++s) {
        for (int64_t a = 0; a < A; ++a) {
          double value = mdp.r(s, a);
          if (t + 1 < mdp.horizon) {
            for (int64_t next = 0; next < S; ++next) {
              const double p = mdp.P(s, a, next);
              if (p > 0.0) value += p * RowMax(mdp, q, t + 1, next);
            }
          }
          next_q[mdp.Index(t, s, a)] = value;
        }
      }
    }
    q = std::move(next_q);
  }
  return q;
}

bool GreedyIsOptimal(const EpisodicMdp& mdp, const StepTable& q, double tolerance) {
  const StepTable q_star = OptimalQ(mdp);
  const std::vector<bool> reached = GreedyReach(mdp, q, tolerance);
  for (int64_t t = 0; t < mdp.horizon; ++t) {
    for (int64_t s = 0; s < mdp.num_states; ++s) {
      if (!reached[t * mdp.num_states + s] || mdp.absorbing[s]) continue;
      const double best = RowMax(mdp, q, t, s);
      const double best_star = RowMax(mdp, q_star, t, s);
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        const bool greedy = q[mdp.Index(t, s, a)] >= best - tolerance;
        if (greedy && q_star[mdp.Index(t, s, a)] < best_star - tolerance) return false;
      }
    }
  }
  return true;
}

double GreedyGap(const EpisodicMdp& mdp, const StepTable& q, double tolerance) {
  const std::vector<bool> reached = GreedyReach(mdp, q, tolerance);
  double gap = 1.0;
  for (int64_t t = 0; t < mdp.horizon; ++t) {
    for (int64_t s = 0; s < mdp.num_states; ++s) {
      if (!reached[t * mdp.num_states + s] || mdp.absorbing[s]) continue;
      const double best = RowMax(mdp, q, t, s);
      double second = -std::numeric_limits<double>::infinity();
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        const double value = q[mdp.Index(t, s, a)];
        if (value < best - tolerance) second = std::max(second, value);
      }
      if (std::isfinite(second)) gap = std::min(gap, best - second);
    }
  }
  return gap;
}

EffectiveHorizon AnalyseEffectiveHorizon(const EpisodicMdp& mdp, double tolerance) {
  RLAB_CHECK(mdp.num_actions >= 2,
             "effective horizon: needs at least 2 actions (H is a logarithm base A), got {}",
             mdp.num_actions);
  for (size_t i = 0; i < mdp.rewards.size(); ++i) {
    RLAB_CHECK(mdp.rewards[i] >= 0.0,
               "effective horizon: reward {} at entry {} is negative; the gap's scale assumes "
               "returns in [0, 1], so shift and scale the rewards",
               mdp.rewards[i], i);
  }
  const StepTable q_star = OptimalQ(mdp);
  for (int64_t s = 0; s < mdp.num_states; ++s) {
    RLAB_CHECK(RowMax(mdp, q_star, 0, s) <= 1.0 + tolerance,
               "effective horizon: the optimal value {} of state {} exceeds 1; scale the "
               "rewards so that returns lie in [0, 1]",
               RowMax(mdp, q_star, 0, s), s);
  }
  EffectiveHorizon out;
  out.optimal_return = OptimalReturn(mdp);
  out.random_return = EpisodeReturn(mdp, UniformStepPolicy(mdp));
  out.effective_horizon = std::numeric_limits<double>::infinity();
  const double log_actions = std::log(static_cast<double>(mdp.num_actions));
  for (int64_t k = 1; k <= mdp.horizon; ++k) {
    const StepTable q = KQvi(mdp, k);
    QviDepth depth;
    depth.k = k;
    depth.greedy_optimal = GreedyIsOptimal(mdp, q, tolerance);
    depth.gap = GreedyGap(mdp, q, tolerance);
    depth.horizon_k = depth.greedy_optimal
                          ? static_cast<double>(k) - 2.0 * std::log(depth.gap) / log_actions
                          : std::numeric_limits<double>::infinity();
    if (depth.greedy_optimal && out.min_k == 0) out.min_k = k;
    if (depth.horizon_k < out.effective_horizon) {
      out.effective_horizon = depth.horizon_k;
      out.best_k = k;
      out.gap = depth.gap;
    }
    out.depths.push_back(depth);
  }
  return out;
}

}  // namespace rlab::rl::tabular
