// Regret of optimising a proxy reward, and how STARC distance bounds it, on random tabular
// MDPs.
//
// Bound checked here. For a canonicalisation c with c(R) - R a potential shaping plus a
// zero-mean next-state change plus a constant (VAL and EPIC both are), the return of any policy
// is J_R(pi) = <o_pi, c(R)> + k_R with o_pi the unnormalised transition occupancy [S, A, S]
// and k_R independent of pi. Write s_i = c(R_i) / n(c(R_i)), o_1, o_2, o_w for the occupancies
// of pi*_R1, pi*_R2 and pi_worst_R1, and d = n(s_1 - s_2) / 2 with n the L2 norm. Because
// pi*_R2 is optimal for s_2, <o_2 - o_1, s_2> >= 0, so
//   regret / n(c(R1)) = <o_1 - o_2, s_1> <= <o_1 - o_2, s_1 - s_2> <= |o_1 - o_2| 2 d,
// and dividing by the return range <o_1 - o_w, s_1> = (J_R1(pi*_R1) - J_R1(pi_worst)) / n(c(R1))
//   normalised regret <= 2 d |o_1 - o_2| / <o_1 - o_w, s_1>.
// The factor after d depends on the MDP, as the STARC paper's constant does (Skalse et al.,
// "STARC: A General Framework For Quantifying Differences Between Reward Functions",
// arXiv:2309.15257).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/grid_world.h"
#include "rlab/envs/tabular/occupancy.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/eval/epic.h"
#include "rlab/eval/regret.h"
#include "rlab/eval/starc.h"

namespace rlab::eval {
namespace {

namespace tabular = envs::tabular;

tabular::FiniteMdp RandomMdp(uint64_t seed, int64_t num_states = 6, int64_t num_actions = 3) {
  return tabular::MakeRandomMdp(
      {.num_states = num_states, .num_actions = num_actions, .gamma = 0.9, .seed = seed});
}

RegretResult Regret(const tabular::FiniteMdp& mdp, const torch::Tensor& proxy) {
  return ProxyRegret(mdp.transitions, mdp.initial, mdp.gamma, mdp.rewards, proxy);
}

TEST(ProxyRegret, ZeroForEquivalentRewardsOneForNegatedReward) {
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const tabular::FiniteMdp mdp = RandomMdp(seed);
    const torch::Tensor potential = RandomMdp(seed + 99).rewards.select(1, 0).select(1, 0);  // [S]
    const torch::Tensor shaped =
        3.0 * tabular::PotentialShaping(mdp.rewards, potential, mdp.gamma) + 1.0;
    const RegretResult same = Regret(mdp, shaped);
    EXPECT_NEAR(same.regret, 0.0, 1e-9) << "seed " << seed;
    EXPECT_NEAR(same.normalised_regret, 0.0, 1e-9);
    const RegretResult negated = Regret(mdp, -mdp.rewards);
    EXPECT_NEAR(negated.normalised_regret, 1.0, 1e-9) << "seed " << seed;
    EXPECT_NEAR(negated.proxy_return, negated.worst_return, 1e-9);
    EXPECT_GT(negated.best_return, negated.worst_return);
  }
}

TEST(ProxyRegret, GridWorldProxyThatIgnoresTheGoal) {
  // The true reward pays 1 at the goal; a proxy that pays 0 everywhere is indifferent, and its
  // greedy policy (always "up", the lowest action) never reaches a goal in the bottom row.
  const tabular::FiniteMdp mdp = tabular::MakeGridWorld(
      {.rows = 3, .cols = 3, .goals = {{{2, 2}, 1.0}}, .start = tabular::GridCell{0, 0}});
  const RegretResult result = Regret(mdp, torch::zeros_like(mdp.rewards));
  EXPECT_NEAR(result.best_return, std::pow(0.9, 3), 1e-9);  // 4 steps: gamma^(4 - 1)
  EXPECT_NEAR(result.proxy_return, 0.0, 1e-12);
  EXPECT_NEAR(result.worst_return, 0.0, 1e-12);
  EXPECT_NEAR(result.normalised_regret, 1.0, 1e-9);
}

// The occupancies [S, A, S] of pi*_R1 and pi_worst_R1 under mdp.rewards = R1.
struct ExtremeOccupancies {
  torch::Tensor best, worst;
};

torch::Tensor Occupancy(const tabular::FiniteMdp& mdp, const torch::Tensor& policy) {
  return tabular::TransitionOccupancy(mdp.transitions, mdp.initial, mdp.gamma, policy);
}

ExtremeOccupancies Extremes(const tabular::FiniteMdp& mdp) {
  return {Occupancy(mdp, tabular::ValueIteration(mdp).policy),
          Occupancy(mdp, tabular::ValueIteration(mdp.transitions, -mdp.rewards, mdp.gamma).policy)};
}

// 2 d |o_1 - o_2| / <o_1 - o_w, s_1>: see the comment at the top of this file.
double RegretBound(const tabular::FiniteMdp& mdp, const ExtremeOccupancies& extremes,
                   const torch::Tensor& proxy, const RegretResult& regret,
                   const StarcOptions& options) {
  const torch::Tensor standard = StarcStandardise(mdp.rewards, options);
  const double range = ((extremes.best - extremes.worst) * standard).sum().item<double>();
  const double distance = StarcDistance(mdp.rewards, proxy, options);
  const torch::Tensor gap = extremes.best - Occupancy(mdp, regret.proxy_policy);
  return 2.0 * distance * gap.norm().item<double>() / range;
}

TEST(ProxyRegret, StarcDistanceBoundsNormalisedRegret) {
  double worst_val_ratio = 0.0, worst_epic_starc_ratio = 0.0, worst_epic_ratio = 0.0;
  int with_regret = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    const int64_t num_states = 3 + static_cast<int64_t>(seed % 5);
    const int64_t num_actions = 2 + static_cast<int64_t>(seed % 3);
    const tabular::FiniteMdp mdp = RandomMdp(seed, num_states, num_actions);
    const torch::Tensor noise = RandomMdp(seed + 1000, num_states, num_actions).rewards;
    const ExtremeOccupancies extremes = Extremes(mdp);
    const StarcOptions val{.gamma = mdp.gamma, .transitions = mdp.transitions};
    const StarcOptions epic_starc{.canonicalisation = StarcCanonicalisation::kEpic,
                                  .gamma = mdp.gamma};
    for (const double sigma : {0.03, 0.1, 0.3, 1.0, 3.0}) {
      const torch::Tensor proxy = mdp.rewards + sigma * noise;
      const RegretResult regret = Regret(mdp, proxy);
      EXPECT_GE(regret.normalised_regret, 0.0);
      EXPECT_LE(regret.normalised_regret, 1.0);
      for (const StarcOptions* options : {&val, &epic_starc}) {
        EXPECT_LE(regret.normalised_regret,
                  RegretBound(mdp, extremes, proxy, regret, *options) + 1e-9)
            << "seed " << seed << ", sigma " << sigma;
      }
      if (regret.normalised_regret < 1e-9) continue;
      ++with_regret;
      worst_val_ratio = std::max(worst_val_ratio,
                                 regret.normalised_regret / StarcDistance(mdp.rewards, proxy, val));
      worst_epic_starc_ratio =
          std::max(worst_epic_starc_ratio,
                   regret.normalised_regret / StarcDistance(mdp.rewards, proxy, epic_starc));
      worst_epic_ratio =
          std::max(worst_epic_ratio, regret.normalised_regret /
                                         EpicDistance(mdp.rewards, proxy, {.gamma = mdp.gamma}));
    }
  }
  std::cout << "worst normalised regret / distance over " << with_regret
            << " proxies with regret: STARC-VAL " << worst_val_ratio << ", STARC-EPIC "
            << worst_epic_starc_ratio << ", EPIC " << worst_epic_ratio << "\n";
  RecordProperty("worst_ratio_starc_val", std::to_string(worst_val_ratio));
  RecordProperty("worst_ratio_starc_epic", std::to_string(worst_epic_starc_ratio));
  RecordProperty("worst_ratio_epic", std::to_string(worst_epic_ratio));
  EXPECT_GT(with_regret, 20);
}

}  // namespace
}  // namespace rlab::eval
