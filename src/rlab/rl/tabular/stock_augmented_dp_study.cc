// The study of "Optimizing Return Distributions with Distributional Dynamic Programming"
// (arXiv:2501.13028; the method in stock_augmented_dp.h): on random finite-horizon MDPs with
// integer rewards, the stock-augmented DP's CVaR and E[min(G, target)] against the exact optima
// over all history-dependent policies, the best Markov policy and the risk-neutral policy.
#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "rlab/rl/tabular/finite_horizon_enumeration.h"
#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"
#include "rlab/rl/tabular/stock_augmented_dp.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace {

constexpr double kHandBuiltAlpha = 0.5;  // the level MakeStockRevealingMdp is built for

class StockAugmentedDp final : public Study {
 public:
  explicit StockAugmentedDp(const SpecArgs& args)
      : args_(args),
        alpha_(args.Get<double>("alpha")),
        target_above_mean_(args.Get<int64_t>("target_above_mean")) {
    RLAB_CHECK(alpha_ > 0.0 && alpha_ <= 1.0,
               "study 'stock_augmented_dp': key 'alpha' (the tail's mass) must be in (0, 1], "
               "got {}",
               alpha_);
  }

  std::string Property() const override {
    return "the stock-augmented distributional DP reaches the exact optimum over history-"
           "dependent policies of CVaR_alpha(G) and of E[min(G, target)] (gap 0), which the "
           "best Markov policy does not always reach";
  }

  StudyResult Run(uint64_t seed) const override {
    const FiniteHorizonMdp mdp =
        MakeRandomFiniteHorizonMdp(RandomFiniteHorizonMdpFromArgs(args_, seed));
    // Every law of a history-dependent policy but the second-order dominated ones.
    const std::vector<ReturnDistribution> laws =
        HistoryPolicyReturns(mdp, DominanceOrder::kSecondOrder);
    const ReturnDistribution neutral = ReturnOf(mdp, RiskNeutralPolicy(mdp));
    StudyResult out;
    const auto add = [&](const char* name, double value) { out.figures.emplace_back(name, value); };

    const auto cvar = [&](const ReturnDistribution& g) {
      return ConditionalValueAtRisk(g, alpha_);
    };
    const CvarDpResult dp = MaximiseCvar(mdp, alpha_);
    const double cvar_exact = BestScore(laws, cvar);
    const double cvar_markov = BestMarkovPolicy(mdp, cvar).score;
    add("cvar_dp", dp.cvar);
    add("cvar_exact_optimum", cvar_exact);
    add("cvar_gap", cvar_exact - dp.cvar);
    add("cvar_markov_best", cvar_markov);
    add("cvar_markov_gap", dp.cvar - cvar_markov);
    add("cvar_risk_neutral", cvar(neutral));
    add("mean_risk_neutral", neutral.Mean());
    add("mean_cvar_dp_policy", dp.best.returns.Mean());

    // The return capped at a target, E[min(G, target)]: a concave utility (so second-order
    // dominance keeps its optimum) that, unlike e^{-G}, can need the stock.
    const int64_t target =
        static_cast<int64_t>(std::ceil(neutral.Mean() - 1e-9)) + target_above_mean_;
    const auto capped = [target](int64_t g) { return static_cast<double>(std::min(g, target)); };
    const auto capped_mean = [&](const ReturnDistribution& g) { return g.Expect(capped); };
    const double capped_dp = MaximiseExpectedUtility(mdp, capped).value;
    const double capped_exact = BestScore(laws, capped_mean);
    const double capped_markov = BestMarkovPolicy(mdp, capped_mean).score;
    add("target", static_cast<double>(target));
    add("capped_dp", capped_dp);
    add("capped_exact_optimum", capped_exact);
    add("capped_gap", capped_exact - capped_dp);
    add("capped_markov_best", capped_markov);
    add("capped_markov_gap", capped_dp - capped_markov);
    add("capped_risk_neutral", capped_mean(neutral));

    const FiniteHorizonMdp hand = MakeStockRevealingMdp();
    const double hand_dp = MaximiseCvar(hand, kHandBuiltAlpha).cvar;
    const double hand_markov = BestMarkovPolicy(hand, [](const ReturnDistribution& g) {
                                 return ConditionalValueAtRisk(g, kHandBuiltAlpha);
                               }).score;
    add("hand_cvar_dp", hand_dp);
    add("hand_cvar_markov_best", hand_markov);
    add("hand_markov_gap", hand_dp - hand_markov);
    return out;
  }

 private:
  SpecArgs args_;
  double alpha_;
  int64_t target_above_mean_;
};

}  // namespace

StudyRegistry::Entry StockAugmentedDpStudy() {
  std::vector<KeyDoc> keys = RandomFiniteHorizonMdpKeys();
  keys.push_back({"alpha", ValueCodec<double>::Format(kRiskStudyTailMass),
                  "CVaR level: the mass of the lower tail of the return"});
  keys.push_back(
      {"target_above_mean", "1", "E[min(G, target)] with target = ceil(risk-neutral mean) + this"});
  return {.name = "stock_augmented_dp",
          .help = "distributional DP with stock augmentation (arXiv:2501.13028): CVaR and "
                  "E[min(G, target)] against brute force over history-dependent policies",
          .keys = std::move(keys),
          .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
            return std::make_unique<StockAugmentedDp>(args);
          }};
}

}  // namespace rlab::rl::tabular
