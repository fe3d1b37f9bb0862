#include "rlab/rl/tabular/stock_augmented_dp.h"

#include <algorithm>
#include <limits>

#include "rlab/core/check.h"

namespace rlab::rl::tabular {

StockDecision StockPolicy::Decision() const {
  return [this](int64_t t, int64_t s, int64_t c) { return Action(t, s, c); };
}

StockDpResult MaximiseExpectedUtility(const FiniteHorizonMdp& mdp,
                                      const std::function<double(int64_t)>& utility) {
  mdp.Validate();
  const int64_t num_states = mdp.num_states;
  const int64_t lowest = mdp.LowestStock();
  const int64_t stocks = mdp.HighestStock() - lowest + 1;
  // Per step the stock lies in [t * lowest_step, t * highest_step].
  const int64_t lowest_step = lowest / mdp.horizon;
  const int64_t highest_step = mdp.HighestStock() / mdp.horizon;
  StockDpResult result;
  result.policy = {.num_states = num_states,
                   .lowest_stock = lowest,
                   .num_stocks = stocks,
                   .actions = std::vector<int64_t>(mdp.horizon * num_states * stocks, 0)};
  // [S, K]: the law of the return still to come from (s, stock = lowest + k) after step t.
  std::vector<ReturnDistribution> to_come(num_states * stocks, ReturnDistribution::PointMass(0));
  for (int64_t t = mdp.horizon - 1; t >= 0; --t) {
    std::vector<ReturnDistribution> earlier(num_states * stocks);
    for (int64_t s = 0; s < num_states; ++s) {
      for (int64_t c = t * lowest_step; c <= t * highest_step; ++c) {
        double best = -std::numeric_limits<double>::infinity();
        for (int64_t a = 0; a < mdp.num_actions; ++a) {
          ReturnDistribution law;
          for (int64_t s2 = 0; s2 < num_states; ++s2) {
            const double p = mdp.P(s, a, s2);
            if (p == 0.0) continue;
            const int64_t r = mdp.R(s, a, s2);
            law.Accumulate(to_come[s2 * stocks + (c + r - lowest)].Shifted(r), p);
          }
          const double score = law.Expect([&](int64_t g) { return utility(c + g); });
          if (score > best) {
            best = score;
            result.policy.actions[(t * num_states + s) * stocks + (c - lowest)] = a;
            earlier[s * stocks + (c - lowest)] = std::move(law);
          }
        }
      }
    }
    to_come.swap(earlier);
  }
  for (int64_t s = 0; s < num_states; ++s) {
    result.returns.Accumulate(to_come[s * stocks - lowest], mdp.initial[s]);
  }
  result.returns.Trim();
  result.value = result.returns.Expect(utility);
  return result;
}

CvarDpResult MaximiseCvar(const FiniteHorizonMdp& mdp, double alpha) {
  RLAB_CHECK(alpha > 0.0 && alpha <= 1.0, "CVaR: alpha (the tail's mass) must be in (0, 1], got {}",
             alpha);
  mdp.Validate();
  CvarDpResult result{.cvar = -std::numeric_limits<double>::infinity()};
  for (int64_t b = mdp.LowestStock(); b <= mdp.HighestStock(); ++b) {
    const double threshold = static_cast<double>(b);
    StockDpResult at_b = MaximiseExpectedUtility(mdp, [&](int64_t g) {
      return threshold - std::max(threshold - static_cast<double>(g), 0.0) / alpha;
    });
    if (at_b.value > result.cvar) result = {.cvar = at_b.value, .b = b, .best = std::move(at_b)};
  }
  return result;
}

FiniteHorizonMdp MakeStockRevealingMdp() {
  constexpr int64_t kStates = 6, kActions = 2;  // 4 and 5 absorb with reward 0
  FiniteHorizonMdp mdp = EmptyFiniteHorizonMdp(kStates, kActions, /*horizon=*/3);
  for (int64_t a = 0; a < kActions; ++a) {
    mdp.Set(0, a, 1, 0.5, 0);
    mdp.Set(0, a, 2, 0.5, 0);
    mdp.Set(1, a, 3, 1.0, 2);
    mdp.Set(2, a, 3, 1.0, 0);
    mdp.Set(4, a, 4, 1.0, 0);
    mdp.Set(5, a, 5, 1.0, 0);
  }
  mdp.Set(3, 0, 4, 1.0, 1);  // safe
  mdp.Set(3, 1, 4, 0.5, 0);  // risky
  mdp.Set(3, 1, 5, 0.5, 3);
  mdp.Validate();
  return mdp;
}

}  // namespace rlab::rl::tabular
