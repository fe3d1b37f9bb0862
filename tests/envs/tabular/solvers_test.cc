// Value iteration, exact policy evaluation and occupancy measures on random MDPs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/envs/tabular/occupancy.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"

namespace rlab::envs::tabular {
namespace {

FiniteMdp TestMdp(uint64_t seed, double gamma = 0.9) {
  return MakeRandomMdp({.num_states = 8, .num_actions = 3, .gamma = gamma, .seed = seed});
}

// A random stochastic policy [S, A], drawn from the rewards of another random MDP.
torch::Tensor RandomPolicy(int64_t num_states, int64_t num_actions, uint64_t seed) {
  const torch::Tensor logits =
      MakeRandomMdp({.num_states = num_states, .num_actions = num_actions, .seed = seed + 1000})
          .rewards.select(2, 0);  // [S, A]
  return torch::softmax(logits, 1);
}

TEST(TabularSolvers, PolicyEvaluationOfGreedyPolicyMatchesValueIteration) {
  for (uint64_t seed = 0; seed < 6; ++seed) {
    for (double gamma : {0.0, 0.5, 0.95}) {
      const FiniteMdp mdp = TestMdp(seed, gamma);
      const ValueIterationResult optimal = ValueIteration(mdp);
      EXPECT_LE(optimal.residual, 1e-12);
      const torch::Tensor values = EvaluatePolicy(mdp, optimal.policy);
      EXPECT_LT((values - optimal.values).abs().max().item<double>(), 1e-9)
          << "seed " << seed << ", gamma " << gamma;
    }
  }
}

TEST(TabularSolvers, BellmanResidualsVanish) {
  for (uint64_t seed = 0; seed < 6; ++seed) {
    const FiniteMdp mdp = TestMdp(seed);
    // Optimality: V* = max_a [r + gamma P V*].
    const ValueIterationResult optimal = ValueIteration(mdp);
    const torch::Tensor q = QFromValues(mdp.transitions, mdp.rewards, optimal.values, mdp.gamma);
    EXPECT_LT((std::get<0>(q.max(1)) - optimal.values).abs().max().item<double>(), 1e-10);
    EXPECT_TRUE(torch::allclose(q, optimal.q_values, 0.0, 1e-12));
    // Expectation, for a stochastic policy: V^pi = r_pi + gamma P_pi V^pi.
    const torch::Tensor policy = RandomPolicy(8, 3, seed);
    const torch::Tensor values = EvaluatePolicy(mdp, policy);
    const torch::Tensor backup =
        (policy * ExpectedReward(mdp.transitions, mdp.rewards)).sum(1) +
        mdp.gamma * torch::mv(PolicyTransitions(mdp.transitions, policy), values);
    EXPECT_LT((backup - values).abs().max().item<double>(), 1e-12);
    // No policy beats the optimal one in any state.
    EXPECT_LE((values - optimal.values).max().item<double>(), 1e-9);
  }
}

TEST(TabularSolvers, OccupancySumsToEffectiveHorizon) {
  for (uint64_t seed = 0; seed < 6; ++seed) {
    const double gamma = 0.8;
    const FiniteMdp mdp = TestMdp(seed, gamma);
    const torch::Tensor policy = RandomPolicy(8, 3, seed);
    EXPECT_NEAR(StateOccupancy(mdp, policy).sum().item<double>(), 1.0 / (1.0 - gamma), 1e-12);
    EXPECT_NEAR(StateOccupancy(mdp, policy, true).sum().item<double>(), 1.0, 1e-12);
    const torch::Tensor state_action = StateActionOccupancy(mdp, policy);  // [S, A]
    EXPECT_NEAR(state_action.sum().item<double>(), 1.0 / (1.0 - gamma), 1e-12);
    EXPECT_GE(state_action.min().item<double>(), 0.0);
    // J(pi) = sum d(s, a, s') R(s, a, s') = mu0 . V^pi.
    const torch::Tensor transition =
        TransitionOccupancy(mdp.transitions, mdp.initial, gamma, policy);  // [S, A, S]
    EXPECT_NEAR((transition * mdp.rewards).sum().item<double>(), ExpectedReturn(mdp, policy),
                1e-10);
  }
}

TEST(TabularSolvers, OccupancyOfOneStepIsTheInitialDistribution) {
  const FiniteMdp mdp = TestMdp(1, 0.0);
  const torch::Tensor policy = UniformPolicy(8, 3);
  EXPECT_TRUE(torch::allclose(StateOccupancy(mdp, policy), mdp.initial, 0.0, 1e-15));
}

TEST(TabularSolvers, RejectInvalidInput) {
  const FiniteMdp mdp = TestMdp(0);
  const torch::Tensor policy = UniformPolicy(8, 3);
  EXPECT_THROW(EvaluatePolicy(mdp.transitions, mdp.rewards, 1.0, policy), Error);
  EXPECT_THROW(EvaluatePolicy(mdp, policy * 2.0), Error);
  EXPECT_THROW(EvaluatePolicy(mdp, UniformPolicy(8, 2)), Error);
  EXPECT_THROW(EvaluatePolicy(mdp, policy.to(torch::kFloat)), Error);
  EXPECT_THROW(ValueIteration(mdp.transitions * 0.5, mdp.rewards, 0.9), Error);
  EXPECT_THROW(ValueIteration(mdp.transitions, mdp.rewards.select(2, 0), 0.9), Error);
  EXPECT_THROW(ValueIteration(mdp, {.max_iterations = 3}), Error);  // does not converge
  EXPECT_THROW(StateOccupancy(mdp.transitions, mdp.initial * 0.5, 0.9, policy), Error);
  FiniteMdp bad = mdp;
  bad.rewards = mdp.rewards.clone();
  bad.rewards[0][0][0] = std::nan("");
  EXPECT_THROW(bad.Validate(), Error);
}

}  // namespace
}  // namespace rlab::envs::tabular
