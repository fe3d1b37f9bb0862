// The effective horizon, SQIRL and the tabular PPO on cases with known answers: a two-step
// chain with a lure, where greedy action on the random policy's Q takes the lure when it pays
// more than half the goal (k = 2) and not otherwise (k = 1), with H_k by hand; k-QVI at depth
// T is value iteration; SQIRL needs the same k; PPO solves a three-armed bandit.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <random>

#include "rlab/rl/tabular/effective_horizon.h"
#include "rlab/rl/tabular/sqirl.h"
#include "rlab/rl/tabular/tabular_ppo.h"

namespace rlab::rl::tabular {
namespace {

// States: 0 start, 1 middle, 2 lure, 3 goal, 4 dead end (2..4 absorbing). From the start,
// action 0 takes the lure (reward `lure`, the episode ends) and action 1 steps to the middle;
// from the middle, action 0 reaches the goal (reward 1) and action 1 the dead end. Two steps.
EpisodicMdp LureChain(double lure) {
  envs::tabular::FiniteMdp mdp;
  mdp.transitions = torch::zeros({5, 2, 5}, torch::kDouble);
  mdp.rewards = torch::zeros({5, 2, 5}, torch::kDouble);
  mdp.transitions[0][0][2] = 1.0;
  mdp.rewards[0][0][2] = lure;
  mdp.transitions[0][1][1] = 1.0;
  mdp.transitions[1][0][3] = 1.0;
  mdp.rewards[1][0][3] = 1.0;
  mdp.transitions[1][1][4] = 1.0;
  for (int64_t s = 2; s < 5; ++s) {
    for (int64_t a = 0; a < 2; ++a) mdp.transitions[s][a][s] = 1.0;
  }
  mdp.initial = torch::zeros({5}, torch::kDouble);
  mdp.initial[0] = 1.0;
  return MakeEpisodicMdp(mdp, 2);
}

double HorizonK(int64_t k, double gap) { return static_cast<double>(k) - 2.0 * std::log2(gap); }

TEST(EffectiveHorizon, RandomPolicyReturnOfTheLureChain) {
  // Half the episodes take the lure; of the others half reach the goal.
  const EpisodicMdp mdp = LureChain(0.6);
  EXPECT_NEAR(EpisodeReturn(mdp, UniformStepPolicy(mdp)), 0.5 * 0.6 + 0.25, 1e-12);
  EXPECT_NEAR(OptimalReturn(mdp), 1.0, 1e-12);
  EXPECT_TRUE(mdp.absorbing[2] && mdp.absorbing[3] && mdp.absorbing[4] && !mdp.absorbing[0]);
}

TEST(EffectiveHorizon, LureAboveHalfTheGoalNeedsOneBackupSoKIsTwo) {
  // Q^1(start) = (0.6, 0.5): greedy takes the lure. Q^2(start) = (0.6, 1): one backup fixes it,
  // with gap 0.4 at the start and 1 in the middle, so H = H_2 = 2 + log2(1 / 0.4^2).
  const EpisodicMdp mdp = LureChain(0.6);
  const StepTable q1 = KQvi(mdp, 1);
  EXPECT_NEAR(q1[mdp.Index(0, 0, 0)], 0.6, 1e-12);
  EXPECT_NEAR(q1[mdp.Index(0, 0, 1)], 0.5, 1e-12);
  EXPECT_FALSE(GreedyIsOptimal(mdp, q1));
  const EffectiveHorizon eh = AnalyseEffectiveHorizon(mdp);
  EXPECT_EQ(eh.min_k, 2);
  EXPECT_EQ(eh.best_k, 2);
  EXPECT_NEAR(eh.gap, 0.4, 1e-12);
  EXPECT_NEAR(eh.effective_horizon, HorizonK(2, 0.4), 1e-9);
  EXPECT_TRUE(std::isinf(eh.depths[0].horizon_k));
}

TEST(EffectiveHorizon, LureBelowHalfTheGoalIsSolvedGreedilySoKIsOne) {
  // Q^1(start) = (0.3, 0.5): greedy on Q^{pi_rand} is already optimal (k = 1), but its gap 0.2
  // makes H_1 = 1 + log2(25) larger than H_2 = 2 + log2(1 / 0.7^2), so H picks k = 2.
  const EpisodicMdp mdp = LureChain(0.3);
  const EffectiveHorizon eh = AnalyseEffectiveHorizon(mdp);
  EXPECT_EQ(eh.min_k, 1);
  EXPECT_NEAR(eh.depths[0].gap, 0.2, 1e-12);
  EXPECT_NEAR(eh.depths[0].horizon_k, HorizonK(1, 0.2), 1e-9);
  EXPECT_EQ(eh.best_k, 2);
  EXPECT_NEAR(eh.effective_horizon, HorizonK(2, 0.7), 1e-9);
}

TEST(EffectiveHorizon, QviAtDepthTIsValueIteration) {
  const EpisodicMdp mdp = LureChain(0.6);
  const StepTable q = KQvi(mdp, mdp.horizon);
  const StepTable q_star = OptimalQ(mdp);
  ASSERT_EQ(q.size(), q_star.size());
  for (size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], q_star[i], 1e-12);
}

TEST(Sqirl, NeedsTheSameDepthAsKQvi) {
  const EpisodicMdp mdp = LureChain(0.6);
  std::mt19937_64 rng(7);
  const SqirlResult shallow = RunSqirl(mdp, {.k = 1, .episodes_per_step = 200}, rng);
  const SqirlResult deep = RunSqirl(mdp, {.k = 2, .episodes_per_step = 200}, rng);
  EXPECT_NEAR(EpisodeReturn(mdp, shallow.policy), 0.6, 1e-12);  // takes the lure
  EXPECT_NEAR(EpisodeReturn(mdp, deep.policy), 1.0, 1e-12);
  EXPECT_EQ(deep.episodes, 2 * 200);
  EXPECT_GT(deep.env_steps, deep.episodes);  // episodes through the middle last two steps
}

TEST(TabularPpo, SolvesAThreeArmedBandit) {
  envs::tabular::FiniteMdp bandit;
  bandit.transitions = torch::ones({1, 3, 1}, torch::kDouble);
  bandit.rewards = torch::tensor({0.0, 1.0, 0.5}, torch::kDouble).reshape({1, 3, 1});
  bandit.initial = torch::ones({1}, torch::kDouble);
  const EpisodicMdp mdp = MakeEpisodicMdp(bandit, 1);
  TabularPpo ppo(mdp, {.episodes_per_batch = 16});
  std::mt19937_64 rng(3);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(ppo.Iterate(rng), 16);
  EXPECT_GT(ppo.Policy()[1], 0.9);
  EXPECT_EQ(ppo.GreedyPolicy(), (StepTable{0.0, 1.0, 0.0}));
}

}  // namespace
}  // namespace rlab::rl::tabular
