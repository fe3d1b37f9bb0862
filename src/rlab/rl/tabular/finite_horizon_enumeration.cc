#include "rlab/rl/tabular/finite_horizon_enumeration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

namespace {

constexpr double kDominanceTolerance = 1e-12;

// Drops exact duplicates and every law dominated in `order` by one kept. The laws
// are (sub-)probability measures of one common mass, for which dominance is preserved when the
// same measure is added to both: partial mixtures can be pruned before they are completed.
void Reduce(std::vector<ReturnDistribution>& laws, DominanceOrder order) {
  for (ReturnDistribution& law : laws) law.Trim();
  const auto before = [](const ReturnDistribution& a, const ReturnDistribution& b) {
    return a.lowest != b.lowest ? a.lowest < b.lowest : a.probabilities < b.probabilities;
  };
  std::sort(laws.begin(), laws.end(), before);
  laws.erase(std::unique(laws.begin(), laws.end()), laws.end());
  if (order == DominanceOrder::kNone) return;
  std::vector<std::pair<double, size_t>> by_mean;  // a law is dominated only by higher means
  for (size_t i = 0; i < laws.size(); ++i) by_mean.emplace_back(-laws[i].Mean(), i);
  std::sort(by_mean.begin(), by_mean.end());
  std::vector<ReturnDistribution> kept;
  for (const auto& [negative_mean, i] : by_mean) {
    const bool dominated = std::any_of(kept.begin(), kept.end(), [&](const ReturnDistribution& k) {
      return order == DominanceOrder::kFirstOrder
                 ? Dominates(k, laws[i], kDominanceTolerance)
                 : DominatesSecondOrder(k, laws[i], kDominanceTolerance);
    });
    if (!dominated) kept.push_back(std::move(laws[i]));
  }
  laws.swap(kept);
}

// Every sum of weight_j * shift_j(law_j) with law_j from choices[j]: the mixtures a policy can
// make by picking one law per branch.
std::vector<ReturnDistribution> MixChoices(
    const std::vector<double>& weights, const std::vector<int64_t>& shifts,
    const std::vector<const std::vector<ReturnDistribution>*>& choices, DominanceOrder order,
    size_t max_laws) {
  std::vector<ReturnDistribution> partial = {ReturnDistribution{}};
  for (size_t j = 0; j < weights.size(); ++j) {
    RLAB_CHECK(partial.size() * choices[j]->size() <= max_laws,
               "enumerating history-dependent policies: more than {} return laws at one step; "
               "use fewer states, actions, successors or a shorter horizon",
               max_laws);
    std::vector<ReturnDistribution> grown;
    grown.reserve(partial.size() * choices[j]->size());
    for (const ReturnDistribution& head : partial) {
      for (const ReturnDistribution& tail : *choices[j]) {
        ReturnDistribution law = head;
        law.Accumulate(tail.Shifted(shifts[j]), weights[j]);
        grown.push_back(std::move(law));
      }
    }
    Reduce(grown, order);
    partial.swap(grown);
  }
  return partial;
}

}  // namespace

std::vector<ReturnDistribution> HistoryPolicyReturns(const FiniteHorizonMdp& mdp,
                                                     DominanceOrder order, size_t max_laws) {
  mdp.Validate();
  const int64_t num_states = mdp.num_states;
  // reachable[s]: the laws of the return still to come from state s at the current step.
  std::vector<std::vector<ReturnDistribution>> reachable(num_states,
                                                         {ReturnDistribution::PointMass(0)});
  for (int64_t t = mdp.horizon - 1; t >= 0; --t) {
    std::vector<std::vector<ReturnDistribution>> earlier(num_states);
    for (int64_t s = 0; s < num_states; ++s) {
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        std::vector<double> weights;
        std::vector<int64_t> shifts;
        std::vector<const std::vector<ReturnDistribution>*> choices;
        for (int64_t s2 = 0; s2 < num_states; ++s2) {
          if (mdp.P(s, a, s2) == 0.0) continue;
          weights.push_back(mdp.P(s, a, s2));
          shifts.push_back(mdp.R(s, a, s2));
          choices.push_back(&reachable[s2]);
        }
        for (ReturnDistribution& law : MixChoices(weights, shifts, choices, order, max_laws)) {
          earlier[s].push_back(std::move(law));
        }
      }
      Reduce(earlier[s], order);
    }
    reachable.swap(earlier);
  }
  std::vector<double> weights;
  std::vector<int64_t> shifts;
  std::vector<const std::vector<ReturnDistribution>*> choices;
  for (int64_t s = 0; s < num_states; ++s) {
    if (mdp.initial[s] == 0.0) continue;
    weights.push_back(mdp.initial[s]);
    shifts.push_back(0);
    choices.push_back(&reachable[s]);
  }
  return MixChoices(weights, shifts, choices, order, max_laws);
}

double BestScore(const std::vector<ReturnDistribution>& laws,
                 const std::function<double(const ReturnDistribution&)>& score) {
  RLAB_CHECK(!laws.empty(), "best score over an empty set of return laws");
  double best = -std::numeric_limits<double>::infinity();
  for (const ReturnDistribution& law : laws) best = std::max(best, score(law));
  return best;
}

MarkovSearchResult BestMarkovPolicy(const FiniteHorizonMdp& mdp,
                                    const std::function<double(const ReturnDistribution&)>& score,
                                    int64_t max_policies) {
  mdp.Validate();
  const int64_t num_states = mdp.num_states;
  // Only the (step, state) pairs some policy reaches matter; elsewhere the action stays 0.
  std::vector<int64_t> decisions;  // indices t * S + s
  std::vector<bool> reached(mdp.initial.size());
  for (int64_t s = 0; s < num_states; ++s) reached[s] = mdp.initial[s] > 0.0;
  for (int64_t t = 0; t < mdp.horizon; ++t) {
    std::vector<bool> next(num_states, false);
    for (int64_t s = 0; s < num_states; ++s) {
      if (!reached[s]) continue;
      decisions.push_back(t * num_states + s);
      for (int64_t a = 0; a < mdp.num_actions; ++a) {
        for (int64_t s2 = 0; s2 < num_states; ++s2) next[s2] = next[s2] || mdp.P(s, a, s2) > 0.0;
      }
    }
    reached.swap(next);
  }
  const double count =
      std::pow(static_cast<double>(mdp.num_actions), static_cast<double>(decisions.size()));
  RLAB_CHECK(count <= static_cast<double>(max_policies),
             "Markov policy search: {}^{} policies is more than {}; use fewer states or actions "
             "or a shorter horizon",
             mdp.num_actions, decisions.size(), max_policies);
  MarkovPolicy policy(mdp.horizon * num_states, 0);
  MarkovSearchResult best{.score = -std::numeric_limits<double>::infinity()};
  while (true) {
    const double value = score(ReturnOf(mdp, policy));
    if (value > best.score) best = {.score = value, .policy = policy};
    size_t i = 0;  // odometer over the actions of the reached (step, state) pairs
    while (i < decisions.size() && ++policy[decisions[i]] == mdp.num_actions) {
      policy[decisions[i++]] = 0;
    }
    if (i == decisions.size()) break;
  }
  return best;
}

}  // namespace rlab::rl::tabular
