#include "rlab/rl/tabular/finite_horizon_mdp.h"

#include <torch/types.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/random_mdp.h"

namespace rlab::rl::tabular {

int64_t FiniteHorizonMdp::LowestStock() const {
  const int64_t lowest_reward =
      rewards.empty() ? 0 : *std::min_element(rewards.begin(), rewards.end());
  return horizon * std::min<int64_t>(lowest_reward, 0);
}

int64_t FiniteHorizonMdp::HighestStock() const {
  const int64_t highest_reward =
      rewards.empty() ? 0 : *std::max_element(rewards.begin(), rewards.end());
  return horizon * std::max<int64_t>(highest_reward, 0);
}

void FiniteHorizonMdp::Validate() const {
  RLAB_CHECK(num_states > 0 && num_actions > 0 && horizon > 0,
             "finite-horizon MDP needs states, actions and horizon > 0, got {}, {} and {}",
             num_states, num_actions, horizon);
  const size_t cells = static_cast<size_t>(num_states * num_actions * num_states);
  RLAB_CHECK(transitions.size() == cells && rewards.size() == cells &&
                 initial.size() == static_cast<size_t>(num_states),
             "finite-horizon MDP: transitions and rewards need S*A*S = {} entries and initial S = "
             "{}, got {}, {} and {}",
             cells, num_states, transitions.size(), rewards.size(), initial.size());
  const auto check_row = [](const double* row, int64_t n, const char* what) {
    double total = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      RLAB_CHECK(row[i] >= 0.0, "finite-horizon MDP: {} has a negative probability {}", what,
                 row[i]);
      total += row[i];
    }
    RLAB_CHECK(std::abs(total - 1.0) <= 1e-9, "finite-horizon MDP: {} sums to {}, not 1", what,
               total);
  };
  for (int64_t row = 0; row < num_states * num_actions; ++row) {
    check_row(transitions.data() + row * num_states, num_states, "a transition row");
  }
  check_row(initial.data(), num_states, "the initial distribution");
}

FiniteHorizonMdp MakeRandomFiniteHorizonMdp(const RandomFiniteHorizonMdpOptions& options) {
  RLAB_CHECK(options.horizon > 0, "random finite-horizon MDP: horizon must be > 0, got {}",
             options.horizon);
  const envs::tabular::FiniteMdp drawn =
      envs::tabular::MakeRandomMdp({.num_states = options.num_states,
                                    .num_actions = options.num_actions,
                                    .successors = options.successors,
                                    .reward_std = options.reward_std,
                                    .seed = options.seed});
  const torch::Tensor p = drawn.transitions.contiguous();  // [S, A, S]
  const torch::Tensor r = drawn.rewards.contiguous();      // [S, A, S]
  const torch::Tensor mu = drawn.initial.contiguous();     // [S]
  FiniteHorizonMdp mdp{.num_states = options.num_states,
                       .num_actions = options.num_actions,
                       .horizon = options.horizon};
  mdp.transitions.assign(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
  for (int64_t i = 0; i < r.numel(); ++i) {
    mdp.rewards.push_back(std::lround(r.data_ptr<double>()[i]));
  }
  mdp.initial.assign(mu.data_ptr<double>(), mu.data_ptr<double>() + mu.numel());
  mdp.Validate();
  return mdp;
}

std::vector<KeyDoc> RandomFiniteHorizonMdpKeys() {
  const RandomFiniteHorizonMdpOptions d;
  return {
      {"states", std::to_string(d.num_states), "states of each random MDP"},
      {"actions", std::to_string(d.num_actions), "actions per state"},
      {"successors", std::to_string(d.successors), "next states per (state, action); 0: all"},
      {"horizon", std::to_string(d.horizon), "steps per episode (undiscounted)"},
      {"reward_std", fmt::format("{}", d.reward_std),
       "rewards: Normal(0, reward_std) rounded to integers"},
  };
}

RandomFiniteHorizonMdpOptions RandomFiniteHorizonMdpFromArgs(const SpecArgs& args, uint64_t seed) {
  return {.num_states = args.Get<int64_t>("states"),
          .num_actions = args.Get<int64_t>("actions"),
          .successors = args.Get<int64_t>("successors"),
          .horizon = args.Get<int64_t>("horizon"),
          .reward_std = args.Get<double>("reward_std"),
          .seed = seed};
}

ReturnDistribution ReturnOf(const FiniteHorizonMdp& mdp, const StockDecision& decide) {
  mdp.Validate();
  const int64_t lowest = mdp.LowestStock();
  const int64_t stocks = mdp.HighestStock() - lowest + 1;
  const int64_t num_states = mdp.num_states;
  std::vector<double> law(num_states * stocks, 0.0);  // [S, K] P(state, stock = lowest + k)
  for (int64_t s = 0; s < num_states; ++s) law[s * stocks - lowest] = mdp.initial[s];
  for (int64_t t = 0; t < mdp.horizon; ++t) {
    std::vector<double> next(law.size(), 0.0);  // [S, K]
    for (int64_t s = 0; s < num_states; ++s) {
      for (int64_t k = 0; k < stocks; ++k) {
        const double mass = law[s * stocks + k];
        if (mass == 0.0) continue;
        const int64_t a = decide(t, s, lowest + k);
        RLAB_CHECK(a >= 0 && a < mdp.num_actions,
                   "policy chose action {} at step {} in state {}; valid actions are 0..{}", a, t,
                   s, mdp.num_actions - 1);
        for (int64_t s2 = 0; s2 < num_states; ++s2) {
          const double p = mdp.P(s, a, s2);
          if (p != 0.0) next[s2 * stocks + k + mdp.R(s, a, s2)] += mass * p;
        }
      }
    }
    law.swap(next);
  }
  ReturnDistribution g{.lowest = lowest, .probabilities = std::vector<double>(stocks, 0.0)};
  for (int64_t s = 0; s < num_states; ++s) {
    for (int64_t k = 0; k < stocks; ++k) g.probabilities[k] += law[s * stocks + k];
  }
  g.Trim();
  return g;
}

ReturnDistribution ReturnOf(const FiniteHorizonMdp& mdp, const MarkovPolicy& policy) {
  RLAB_CHECK(policy.size() == static_cast<size_t>(mdp.horizon * mdp.num_states),
             "a Markov policy needs horizon * S = {} actions, got {}", mdp.horizon * mdp.num_states,
             policy.size());
  return ReturnOf(mdp,
                  [&](int64_t t, int64_t s, int64_t) { return policy[t * mdp.num_states + s]; });
}

MarkovPolicy RiskNeutralPolicy(const FiniteHorizonMdp& mdp) {
  mdp.Validate();
  const int64_t num_states = mdp.num_states;
  MarkovPolicy policy(mdp.horizon * num_states, 0);
  std::vector<double> values(num_states, 0.0);  // [S] expected return still to come
  for (int64_t t = mdp.horizon - 1; t >= 0; --t) {
    std::vector<double> next_values(num_states, 0.0);
    for (int64_t s = 0; s < num_states; ++s) {
      double best = 0.0;
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        double q = 0.0;
        for (int64_t s2 = 0; s2 < num_states; ++s2) {
          q += mdp.P(s, a, s2) * (static_cast<double>(mdp.R(s, a, s2)) + values[s2]);
        }
        if (a == 0 || q > best) best = q, policy[t * num_states + s] = a;
      }
      next_values[s] = best;
    }
    values.swap(next_values);
  }
  return policy;
}

FiniteHorizonMdp EmptyFiniteHorizonMdp(int64_t num_states, int64_t num_actions, int64_t horizon) {
  FiniteHorizonMdp mdp{.num_states = num_states, .num_actions = num_actions, .horizon = horizon};
  mdp.transitions.assign(num_states * num_actions * num_states, 0.0);
  mdp.rewards.assign(num_states * num_actions * num_states, 0);
  mdp.initial.assign(num_states, 0.0);
  mdp.initial[0] = 1.0;
  return mdp;
}

}  // namespace rlab::rl::tabular
