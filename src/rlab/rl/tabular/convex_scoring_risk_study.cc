// The study of "Risk-sensitive Reinforcement Learning Based on Convex Scoring Functions"
// (arXiv:2505.04553; the method in convex_scoring_risk.h): on random finite-horizon MDPs with
// integer rewards (loss L = -G), the alternating scheme's expected shortfall and entropic VaR
// against the exact minima over history-dependent policies, the best Markov policy and the
// risk-neutral policy.
#include <limits>
#include <memory>
#include <utility>

#include "rlab/core/rng.h"
#include "rlab/rl/tabular/convex_scoring_risk.h"
#include "rlab/rl/tabular/finite_horizon_enumeration.h"
#include "rlab/rl/tabular/finite_horizon_mdp.h"
#include "rlab/rl/tabular/return_distribution.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace {

class ConvexScoringRiskOnRandomMdps final : public Study {
 public:
  explicit ConvexScoringRiskOnRandomMdps(const SpecArgs& args)
      : args_(args),
        alpha_(args.Get<double>("alpha")),
        starts_(args.Get<int64_t>("starts")),
        max_iterations_(args.Get<int64_t>("max_iterations")) {
    RLAB_CHECK(alpha_ > 0.0 && alpha_ < 1.0,
               "study 'convex_scoring_risk': key 'alpha' must be in (0, 1), got {}", alpha_);
    RLAB_CHECK(starts_ >= 1 && max_iterations_ >= 1,
               "study 'convex_scoring_risk': keys 'starts' and 'max_iterations' must be >= 1, "
               "got {} and {}",
               starts_, max_iterations_);
  }

  std::string Property() const override {
    return "alternating the policy step on the stock-augmented MDP with the auxiliary-variable "
           "step reaches the exact minimum over history-dependent policies of ES_alpha and "
           "EVaR_alpha of the loss -G (gap 0), below the risk-neutral and best Markov policies";
  }

  StudyResult Run(uint64_t seed) const override {
    const FiniteHorizonMdp mdp =
        MakeRandomFiniteHorizonMdp(RandomFiniteHorizonMdpFromArgs(args_, seed));
    const std::vector<ReturnDistribution> all_laws =
        HistoryPolicyReturns(mdp, DominanceOrder::kSecondOrder);
    const ReturnDistribution neutral = ReturnOf(mdp, RiskNeutralPolicy(mdp));
    Rng rng(DeriveSeed(seed, "tabular/convex_scoring_risk/auxiliary"));
    StudyResult out;
    out.figures.emplace_back("mean_risk_neutral", neutral.Mean());
    const ExpectedShortfallRisk es(alpha_);
    Measure("es", es, mdp, all_laws, neutral, rng, out);
    const EntropicVarRisk evar(alpha_, -static_cast<double>(mdp.HighestStock()),
                               -static_cast<double>(mdp.LowestStock()));
    Measure("evar", evar, mdp, all_laws, neutral, rng, out);
    return out;
  }

 private:
  // The figures of one risk, named `prefix`_...; risks are of the loss, lower is better.
  void Measure(const std::string& prefix, const ConvexScoringRisk& risk,
               const FiniteHorizonMdp& mdp, const std::vector<ReturnDistribution>& all_laws,
               const ReturnDistribution& neutral, Rng& rng, StudyResult& out) const {
    // The first start is the risk-neutral policy's best v; the others are sampled.
    AlternationResult best =
        MinimiseRiskByAlternation(mdp, risk, risk.BestAuxiliary(neutral), max_iterations_);
    for (int64_t i = 1; i < starts_; ++i) {
      const double v0 = risk.SampleAuxiliary(rng, -static_cast<double>(mdp.HighestStock()),
                                             -static_cast<double>(mdp.LowestStock()));
      AlternationResult next = MinimiseRiskByAlternation(mdp, risk, v0, max_iterations_);
      if (next.risk < best.risk) best = std::move(next);
    }
    const auto negated = [&](const ReturnDistribution& g) { return -risk.Risk(g); };
    const double exact = -BestScore(all_laws, negated);
    const double markov = -BestMarkovPolicy(mdp, negated).score;
    const auto add = [&](const char* name, double value) {
      out.figures.emplace_back(prefix + "_" + name, value);
    };
    add("alternating", best.risk);
    add("exact_optimum", exact);
    add("gap", best.risk - exact);
    add("markov_best", markov);
    add("risk_neutral", risk.Risk(neutral));
    add("policy_mean", best.policy.returns.Mean());
    add("iterations", static_cast<double>(best.iterations));
  }

  SpecArgs args_;
  double alpha_;
  int64_t starts_;
  int64_t max_iterations_;
};

}  // namespace

StudyRegistry::Entry ConvexScoringRiskStudy() {
  std::vector<KeyDoc> keys = RandomFiniteHorizonMdpKeys();
  keys.push_back({"alpha", ValueCodec<double>::Format(kRiskStudyTailMass),
                  "tail mass of ES_alpha and level of EVaR_alpha"});
  keys.push_back({"starts", "1",
                  "starting values of the auxiliary variable: the risk-neutral policy's, then "
                  "sampled ones"});
  keys.push_back({"max_iterations", "100", "policy steps per alternation at most"});
  return {.name = "convex_scoring_risk",
          .help = "risk-sensitive RL with convex scoring functions (arXiv:2505.04553): ES and "
                  "EVaR by alternating policy and auxiliary steps, against brute force",
          .keys = std::move(keys),
          .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
            return std::make_unique<ConvexScoringRiskOnRandomMdps>(args);
          }};
}

}  // namespace rlab::rl::tabular
