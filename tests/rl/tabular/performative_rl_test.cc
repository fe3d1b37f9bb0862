// The occupancy QP of one round of repeated retraining (KKT on a tiny case, a closed form) and
// repeated retraining itself with no performative effect. "Performative Reinforcement Learning",
// arXiv:2207.00046.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/envs/tabular/occupancy.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/rl/tabular/occupancy_qp.h"
#include "rlab/rl/tabular/performative_rl.h"

namespace rlab::rl::tabular {
namespace {

namespace et = rlab::envs::tabular;

TEST(OccupancyQp, OneStateTwoActionsMatchesTheClosedForm) {
  // One state, both actions loop: d1 + d2 = 1 / (1 - gamma) = D, and the optimum of
  // r1 d1 + r2 d2 - lambda/2 (d1^2 + d2^2) is d1 - d2 = (r1 - r2) / lambda when interior.
  const double gamma = 0.5, lambda = 2.0, r1 = 1.0, r2 = 0.0;
  const torch::Tensor p = torch::ones({1, 2, 1}, torch::kDouble);
  const torch::Tensor r = torch::tensor({{r1, r2}}, torch::kDouble);
  const OccupancyQpSolution sol =
      SolveOccupancyQp(p, torch::ones({1}, torch::kDouble), gamma, r, lambda);
  const double total = 1.0 / (1.0 - gamma);
  EXPECT_NEAR(sol.occupancy[0][0].item<double>(), (total + (r1 - r2) / lambda) / 2, 1e-10);
  EXPECT_NEAR(sol.occupancy[0][1].item<double>(), (total - (r1 - r2) / lambda) / 2, 1e-10);
}

TEST(OccupancyQp, SolutionSatisfiesFlowConstraintsAndKkt) {
  const et::FiniteMdp mdp = et::MakeRandomMdp({.num_states = 4, .num_actions = 3, .seed = 3});
  const torch::Tensor r = et::ExpectedReward(mdp.transitions, mdp.rewards);  // [S, A]
  const double lambda = 0.5;
  const OccupancyQpSolution sol =
      SolveOccupancyQp(mdp.transitions, mdp.initial, mdp.gamma, r, lambda);
  const torch::Tensor d = sol.occupancy;
  // Primal feasibility: d >= 0 and the Bellman flow.
  EXPECT_GE(d.min().item<double>(), 0.0);
  const torch::Tensor flow = FlowMatrix(mdp.transitions, mdp.gamma);
  EXPECT_LT((torch::mv(flow, d.reshape({-1})) - mdp.initial).abs().max().item<double>(), 1e-9);
  // Stationarity with the multipliers of d >= 0: g = r - lambda d - F^T v <= 0, = 0 where d > 0.
  const torch::Tensor g =
      r.reshape({-1}) - lambda * d.reshape({-1}) - torch::mv(flow.t(), sol.duals);  // [S*A]
  EXPECT_LT(g.max().item<double>(), 1e-9);
  EXPECT_LT((g * d.reshape({-1})).abs().max().item<double>(), 1e-9);  // complementary slackness
  EXPECT_GT((d == 0).sum().item<int64_t>() + (d > 0).sum().item<int64_t>(), 0);
  // No policy's occupancy does better (the uniform and a deterministic one).
  const double best = RegularisedObjective(r, d, lambda);
  for (const torch::Tensor& policy :
       {et::UniformPolicy(4, 3),
        torch::eye(3, torch::kDouble).index({torch::tensor({0, 1, 2, 0})})}) {
    const torch::Tensor other =
        et::StateActionOccupancy(mdp.transitions, mdp.initial, mdp.gamma, policy);
    EXPECT_LE(RegularisedObjective(r, other, lambda), best + 1e-10);
  }
  // The policy of the solution has the solution as its occupancy.
  const torch::Tensor back =
      et::StateActionOccupancy(mdp.transitions, mdp.initial, mdp.gamma, PolicyOfOccupancy(d));
  EXPECT_LT((back - d).abs().max().item<double>(), 1e-9);
}

PerformativeMdp SmallPerformativeMdp(double eps_r, double eps_p) {
  const et::FiniteMdp base =
      et::MakeRandomMdp({.num_states = 5, .num_actions = 2, .successors = 3, .seed = 1});
  return {.base_transitions = base.transitions,
          .base_rewards = et::ExpectedReward(base.transitions, base.rewards),
          .initial = base.initial,
          .gamma = base.gamma,
          .reward_sensitivity = eps_r,
          .transition_sensitivity = eps_p};
}

TEST(PerformativeRl, WithoutSensitivityTheFixedPointIsTheRegularisedOptimumAndStable) {
  const PerformativeMdp mdp = SmallPerformativeMdp(0.0, 0.0);
  const double lambda = 0.7;
  const RepeatedRetrainingResult run = RepeatedRetraining(mdp, lambda, 3);
  const torch::Tensor optimum =
      SolveOccupancyQp(mdp.base_transitions, mdp.initial, mdp.gamma, mdp.base_rewards, lambda)
          .occupancy;
  EXPECT_LT((run.occupancy - optimum).abs().max().item<double>(), 1e-9);
  EXPECT_LT(run.steps[1], 1e-9);  // one round reaches it; the next does not move
  EXPECT_NEAR(run.stability_gap, 0.0, 1e-9);
}

TEST(PerformativeRl, ResponseHasTheStatedSensitivities) {
  const PerformativeMdp mdp = SmallPerformativeMdp(2.0, 0.5);
  const torch::Tensor d0 = torch::full({5, 2}, 1.0, torch::kDouble);
  torch::Tensor d1 = d0.clone();
  d1[2][1] = 1.3;
  const InducedEnvironment e0 = Respond(mdp, d0), e1 = Respond(mdp, d1);
  EXPECT_NEAR((e1.rewards - e0.rewards).norm().item<double>(), 2.0 * 0.3, 1e-12);
  EXPECT_LE((e1.transitions - e0.transitions).norm().item<double>(),
            TransitionSensitivityBound(mdp) * 0.3);
  EXPECT_LT((e1.transitions.sum(2) - 1).abs().max().item<double>(), 1e-12);
}

TEST(PerformativeRl, GeometricRateRecoversTheRatio) {
  EXPECT_NEAR(GeometricRate({1.0, 0.5, 0.25, 0.125, 1e-13}, 1e-9), 0.5, 1e-12);
  EXPECT_EQ(GeometricRate({1.0, 1e-12}, 1e-9), 0.0);
}

}  // namespace
}  // namespace rlab::rl::tabular
