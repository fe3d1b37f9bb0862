// Study: repeated retraining under performative rewards and dynamics, with the regularisation
// below, near and above what convergence needs, and without any. "Performative Reinforcement
// Learning" (Mandal, Triantafyllou and Radanovic, ICML 2023, arXiv:2207.00046).
#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/rl/tabular/performative_rl.h"
#include "rlab/rl/tabular/study.h"

namespace rlab::rl::tabular {

namespace et = rlab::envs::tabular;
namespace {

// Steps below this are the solver's precision, not the iteration's.
constexpr double kStepFloor = 1e-9;

class RepeatedRetrainingStudy : public Study {
 public:
  explicit RepeatedRetrainingStudy(const SpecArgs& args)
      : states_(args.Get<int64_t>("states")),
        actions_(args.Get<int64_t>("actions")),
        successors_(args.Get<int64_t>("successors")),
        gamma_(args.Get<double>("gamma")),
        reward_sensitivity_(args.Get<double>("reward_sensitivity")),
        transition_sensitivity_(args.Get<double>("transition_sensitivity")),
        lambda_small_(args.Get<double>("lambda_small")),
        lambda_large_(args.Get<double>("lambda_large")),
        rounds_(args.Get<int64_t>("rounds")) {
    RLAB_CHECK(reward_sensitivity_ >= 0.0 && transition_sensitivity_ >= 0.0,
               "study performative_rl: sensitivities must be >= 0");
    RLAB_CHECK(lambda_small_ > 0.0 && lambda_large_ > 0.0,
               "study performative_rl: lambda_small and lambda_large must be > 0");
    RLAB_CHECK(rounds_ >= 2, "study performative_rl: rounds must be >= 2, got {}", rounds_);
  }

  std::string Property() const override {
    return "repeated retraining converges geometrically to a performatively stable policy "
           "when the regularisation dominates the sensitivity (the paper's lambda threshold "
           "is sufficient); without regularisation it may oscillate: per lambda the last step "
           "(L2 distance from d_T to d_{T-1}), the two-round step (d_T to d_{T-2}, 0 on a "
           "two-cycle), the fitted geometric rate of the steps and the stability gap of the "
           "last policy";
  }

  StudyResult Run(uint64_t seed) const override {
    const et::FiniteMdp base = et::MakeRandomMdp({.num_states = states_,
                                                  .num_actions = actions_,
                                                  .successors = successors_,
                                                  .gamma = gamma_,
                                                  .seed = seed});
    const PerformativeMdp mdp{.base_transitions = base.transitions,
                              .base_rewards = et::ExpectedReward(base.transitions, base.rewards),
                              .initial = base.initial,
                              .gamma = gamma_,
                              .reward_sensitivity = reward_sensitivity_,
                              .transition_sensitivity = transition_sensitivity_};
    const double threshold = PaperRegularisationThreshold(mdp);
    StudyResult result;
    result.figures.emplace_back("lambda_paper_threshold", threshold);
    const std::pair<const char*, double> settings[] = {{"unregularised", 0.0},
                                                       {"small", lambda_small_},
                                                       {"large", lambda_large_},
                                                       {"paper", threshold}};
    for (const auto& [label, lambda] : settings) {
      const RepeatedRetrainingResult run = RepeatedRetraining(mdp, lambda, rounds_);
      result.figures.emplace_back(fmt::format("{}_last_step", label), run.steps.back());
      result.figures.emplace_back(fmt::format("{}_two_round_step", label), run.two_round_step);
      result.figures.emplace_back(fmt::format("{}_rate", label),
                                  GeometricRate(run.steps, kStepFloor));
      result.figures.emplace_back(fmt::format("{}_stability_gap", label), run.stability_gap);
    }
    return result;
  }

 private:
  int64_t states_;
  int64_t actions_;
  int64_t successors_;
  double gamma_;
  double reward_sensitivity_;
  double transition_sensitivity_;
  double lambda_small_;
  double lambda_large_;
  int64_t rounds_;
};

}  // namespace

StudyRegistry::Entry PerformativeRlStudy() {
  return {
      .name = "performative_rl",
      .help = "repeated regularised retraining under policy-dependent rewards and dynamics "
              "(Mandal et al., arXiv:2207.00046)",
      .keys = {{"states", "10", "states of the random base MDP"},
               {"actions", "3", "actions per state"},
               {"successors", "3", "next states per (s, a) in the base MDP"},
               {"gamma", "0.9", "discount"},
               {"reward_sensitivity", "1", "eps_r: r_d = r0 - eps_r d"},
               {"transition_sensitivity", "1", "eps_p: P_d(s'|s,a) ∝ P0(s'|s,a) exp(-eps_p d(s'))"},
               {"lambda_small", "0.3", "a regularisation below the sensitivity"},
               {"lambda_large", "3", "a regularisation above the sensitivity"},
               {"rounds", "100", "rounds of retraining"}},
      .factory = [](const SpecArgs& args) -> std::unique_ptr<Study> {
        return std::make_unique<RepeatedRetrainingStudy>(args);
      }};
}

}  // namespace rlab::rl::tabular
