// The policy-cliff study (Xu, "The Policy Cliff: A Theoretical Analysis of Reward-Policy Maps in
// Large Language Models", arXiv:2507.20150) on random MDPs with forced ties among the optimal
// actions: at each perturbation size eps, the largest change (total variation, worst state) of
// the argmax optimal policy and of the entropy-regularised optimal policy over random reward
// perturbations, and the regularised change measured against its bound (policy_cliff.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "rlab/core/check.h"
#include "rlab/core/rng.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/policy_cliff.h"
#include "rlab/rl/tabular/soft_value_iteration.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace {

struct PolicyCliffOptions {
  int64_t states = 6;
  int64_t actions = 3;
  double gamma = 0.9;
  double temperature = 0.1;
  int64_t mdps = 10;          // random MDPs per seed
  int64_t perturbations = 5;  // random perturbations per MDP and eps
  double epsilon_max = 0.1;   // eps = epsilon_max, epsilon_max / 10, ...
  int64_t decades = 4;        // how many sizes of eps
};

// Ties closer than this count as ties (value iteration stops at 1e-12).
constexpr double kPolicyCliffTieTolerance = 1e-9;

double TiedStateFraction(const torch::Tensor& q) {                           // q [S, A]
  const torch::Tensor best = std::get<0>(q.max(1, true));                    // [S, 1]
  const torch::Tensor near = (q >= best - kPolicyCliffTieTolerance).sum(1);  // [S]
  return (near >= 2).to(torch::kDouble).mean().item<double>();
}

torch::Tensor ArgmaxOptimalPolicy(const torch::Tensor& transitions, const torch::Tensor& rewards,
                                  double gamma) {
  return envs::tabular::ValueIteration(transitions, rewards, gamma).policy;  // [S, A]
}

struct EpsilonFigures {
  double argmax_tv = 0.0;
  double untied_argmax_tv = 0.0;
  double soft_tv = 0.0;
  double soft_ratio = 0.0;  // soft TV over its bound at the perturbation's own sup change
};

class PolicyCliffPerturbationStudy : public Study {
 public:
  explicit PolicyCliffPerturbationStudy(PolicyCliffOptions options) : options_(options) {
    RLAB_CHECK(options_.actions >= 2, "study policy_cliff: actions ({}) must be at least 2",
               options_.actions);
    RLAB_CHECK(options_.temperature > 0.0, "study policy_cliff: temperature ({}) must be positive",
               options_.temperature);
    RLAB_CHECK(options_.mdps >= 1 && options_.perturbations >= 1 && options_.decades >= 1,
               "study policy_cliff: mdps ({}), perturbations ({}) and decades ({}) must be at "
               "least 1",
               options_.mdps, options_.perturbations, options_.decades);
    RLAB_CHECK(options_.epsilon_max > 0.0, "study policy_cliff: epsilon_max ({}) must be positive",
               options_.epsilon_max);
    envs::tabular::CheckDiscount(options_.gamma);
    RLAB_CHECK(options_.states >= 1, "study policy_cliff: states ({}) must be at least 1",
               options_.states);
  }

  std::string Property() const override {
    return fmt::format(
        "with ties among optimal actions ({} random MDPs of {} states, {} actions, gamma {}), "
        "an arbitrarily small reward change moves the argmax optimal policy by a total "
        "variation near 1 (argmax_max_tv; untied_argmax_max_tv without forced ties), while the "
        "entropy-regularised optimum (temperature {}) moves by at most eps / (2 tau (1 - "
        "gamma)) (soft_max_tv, soft_bound, soft_max_ratio <= 1); soft_return_gap is the return "
        "it gives up",
        options_.mdps, options_.states, options_.actions, options_.gamma, options_.temperature);
  }

  StudyResult Run(uint64_t seed) const override {
    std::vector<EpsilonFigures> figures(static_cast<size_t>(options_.decades));
    double tied_fraction = 0.0;
    double return_gap = 0.0;
    Rng rng(DeriveSeed(seed, "policy_cliff_perturbations"));
    const SoftValueIterationOptions soft{.temperature = options_.temperature};
    for (int64_t m = 0; m < options_.mdps; ++m) {
      const envs::tabular::FiniteMdp untied = envs::tabular::MakeRandomMdp(
          {.num_states = options_.states,
           .num_actions = options_.actions,
           .gamma = options_.gamma,
           .seed = DeriveSeed(seed, fmt::format("policy_cliff_mdp_{}", m))});
      const envs::tabular::FiniteMdp mdp = WithTiedOptimalActions(untied);
      const envs::tabular::ValueIterationResult optimum = envs::tabular::ValueIteration(mdp);
      const SoftValueIterationResult regularised = SoftValueIteration(mdp, soft);
      const torch::Tensor untied_policy = envs::tabular::ValueIteration(untied).policy;
      tied_fraction += TiedStateFraction(optimum.q_values) / options_.mdps;
      return_gap += (envs::tabular::ExpectedReturn(mdp, optimum.policy) -
                     envs::tabular::ExpectedReturn(mdp, regularised.policy)) /
                    options_.mdps;
      for (int64_t k = 0; k < options_.decades; ++k) {
        const double eps = Epsilon(k);
        EpsilonFigures& f = figures[k];
        for (int64_t p = 0; p < options_.perturbations; ++p) {
          const RewardPerturbation moved = PerturbRewards(mdp.rewards, eps, rng);
          f.argmax_tv = std::max(
              f.argmax_tv,
              MaxStateTotalVariation(
                  optimum.policy, ArgmaxOptimalPolicy(mdp.transitions, moved.rewards, mdp.gamma)));
          const RewardPerturbation moved_untied = PerturbRewards(untied.rewards, eps, rng);
          f.untied_argmax_tv = std::max(
              f.untied_argmax_tv,
              MaxStateTotalVariation(
                  untied_policy,
                  ArgmaxOptimalPolicy(untied.transitions, moved_untied.rewards, mdp.gamma)));
          const double soft_tv = MaxStateTotalVariation(
              regularised.policy,
              SoftValueIteration(mdp.transitions, moved.rewards, mdp.gamma, soft).policy);
          f.soft_tv = std::max(f.soft_tv, soft_tv);
          f.soft_ratio = std::max(
              f.soft_ratio,
              soft_tv / SoftPolicyChangeBound(moved.sup_change, options_.temperature, mdp.gamma));
        }
      }
    }
    StudyResult result;
    result.figures.emplace_back("tied_state_fraction", tied_fraction);
    for (int64_t k = 0; k < options_.decades; ++k) {
      const double eps = Epsilon(k);
      const std::string at = fmt::format("_eps_{:.0e}", eps);
      const EpsilonFigures& f = figures[k];
      result.figures.emplace_back("argmax_max_tv" + at, f.argmax_tv);
      result.figures.emplace_back("untied_argmax_max_tv" + at, f.untied_argmax_tv);
      result.figures.emplace_back("soft_max_tv" + at, f.soft_tv);
      result.figures.emplace_back("soft_bound" + at,
                                  SoftPolicyChangeBound(eps, options_.temperature, options_.gamma));
      result.figures.emplace_back("soft_max_ratio" + at, f.soft_ratio);
    }
    result.figures.emplace_back("soft_return_gap", return_gap);
    result.figures.emplace_back("soft_return_gap_bound",
                                options_.temperature *
                                    std::log(static_cast<double>(options_.actions)) /
                                    (1.0 - options_.gamma));
    return result;
  }

 private:
  double Epsilon(int64_t decade) const {
    return options_.epsilon_max * std::pow(10.0, -static_cast<double>(decade));
  }

  PolicyCliffOptions options_;
};

}  // namespace

StudyRegistry::Entry PolicyCliffStudy() {
  const PolicyCliffOptions d;
  return {.name = "policy_cliff",
          .help = "Policy cliff (arXiv:2507.20150): change of the argmax and of the "
                  "entropy-regularised optimal policy under small reward perturbations, with ties",
          .keys = {{"states", std::to_string(d.states), "states of each random MDP"},
                   {"actions", std::to_string(d.actions), "actions per state (>= 2)"},
                   {"gamma", ValueCodec<double>::Format(d.gamma), "discount in [0, 1)"},
                   {"temperature", ValueCodec<double>::Format(d.temperature),
                    "entropy weight tau of the regularised optimum"},
                   {"mdps", std::to_string(d.mdps), "random MDPs per seed"},
                   {"perturbations", std::to_string(d.perturbations),
                    "random reward perturbations per MDP and size"},
                   {"epsilon_max", ValueCodec<double>::Format(d.epsilon_max),
                    "largest perturbation size; each next size is 10 times smaller"},
                   {"decades", std::to_string(d.decades), "how many perturbation sizes"}},
          .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
            PolicyCliffOptions o;
            o.states = args.Get<int64_t>("states");
            o.actions = args.Get<int64_t>("actions");
            o.gamma = args.Get<double>("gamma");
            o.temperature = args.Get<double>("temperature");
            o.mdps = args.Get<int64_t>("mdps");
            o.perturbations = args.Get<int64_t>("perturbations");
            o.epsilon_max = args.Get<double>("epsilon_max");
            o.decades = args.Get<int64_t>("decades");
            return std::make_unique<PolicyCliffPerturbationStudy>(o);
          }};
}

}  // namespace rlab::rl::tabular
