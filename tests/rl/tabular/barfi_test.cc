// BARFI's pieces on hand-computed cases: the blend, the budgeted soft planner after one and two
// backups, and the outer gradient (autograd through the unrolled planner and the exact primary
// return) against central finite differences.
#include "rlab/rl/tabular/barfi.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "rlab/envs/tabular/random_mdp.h"

namespace rlab::rl::tabular {
namespace {

TEST(BarfiBlend, WeightedSumOfChannels) {
  const torch::Tensor channels = torch::arange(8, torch::kDouble).view({2, 1, 2, 2});
  const torch::Tensor blend = BlendRewards(channels, torch::tensor({2.0, -1.0}, torch::kDouble));
  EXPECT_TRUE(torch::allclose(blend, 2.0 * channels[0] - channels[1]));
}

TEST(BarfiPlanner, OneAndTwoBackupsOnAOneStateTask) {
  // One state, two actions with rewards 0 and tau ln 3: one backup gives softmax(r / tau) =
  // (1/4, 3/4); the second adds gamma V_1 to both actions, which leaves the policy unchanged.
  const double tau = 0.5, gamma = 0.9;
  const torch::Tensor transitions = torch::ones({1, 2, 1}, torch::kDouble);
  const torch::Tensor rewards =
      torch::tensor({0.0, tau * std::log(3.0)}, torch::kDouble).view({1, 2, 1});
  for (int64_t k : {1, 2}) {
    const torch::Tensor policy =
        BudgetedSoftPolicy(transitions, rewards, gamma, {.iterations = k, .temperature = tau});
    EXPECT_NEAR(policy[0][0].item<double>(), 0.25, 1e-12) << k << " backups";
    EXPECT_NEAR(policy[0][1].item<double>(), 0.75, 1e-12) << k << " backups";
  }
}

TEST(BarfiPlanner, SecondBackupSeesTheNextStatesSoftValue) {
  // State 0: action 0 stays (reward 0), action 1 moves to state 1 (reward 0); state 1 absorbs
  // with reward 1 on both actions. After two backups Q_2(0, 1) - Q_2(0, 0) = gamma (V_1(1) -
  // V_1(0)) with V_1(1) = 1 + tau ln 2 and V_1(0) = tau ln 2.
  const double tau = 0.2, gamma = 0.5;
  torch::Tensor transitions = torch::zeros({2, 2, 2}, torch::kDouble);
  transitions[0][0][0] = 1.0;
  transitions[0][1][1] = 1.0;
  transitions[1][0][1] = transitions[1][1][1] = 1.0;
  torch::Tensor rewards = torch::zeros({2, 2, 2}, torch::kDouble);
  rewards[1][0][1] = rewards[1][1][1] = 1.0;
  const torch::Tensor policy =
      BudgetedSoftPolicy(transitions, rewards, gamma, {.iterations = 2, .temperature = tau});
  const double gap = gamma * 1.0;
  EXPECT_NEAR(policy[0][1].item<double>(), 1.0 / (1.0 + std::exp(-gap / tau)), 1e-12);
}

TEST(BarfiOuterGradient, MatchesCentralFiniteDifferencesOfThePrimaryReturn) {
  const envs::tabular::FiniteMdp mdp =
      envs::tabular::MakeRandomMdp({.num_states = 4, .num_actions = 2, .seed = 3});
  const torch::Tensor auxiliary =
      envs::tabular::MakeRandomMdp({.num_states = 4, .num_actions = 2, .seed = 4}).rewards;
  const torch::Tensor channels = torch::stack({mdp.rewards, auxiliary});
  const torch::Tensor weights = torch::tensor({0.7, 0.4}, torch::kDouble);
  BarfiOptions options{
      .planner = {.iterations = 3, .temperature = 0.5}, .outer_steps = 1, .outer_step = 1e-3};
  const BarfiResult result = Barfi(mdp, channels, weights, options);
  // The step is outer_step * g / max(1, |g|).
  const torch::Tensor moved = (result.weights - weights) / options.outer_step;
  torch::Tensor fd = torch::zeros({2}, torch::kDouble);
  for (int64_t k = 0; k < 2; ++k) {
    torch::Tensor plus = weights.clone(), minus = weights.clone();
    plus[k] += 1e-6;
    minus[k] -= 1e-6;
    fd[k] = (PrimaryReturnOfPlanner(mdp, BlendRewards(channels, plus), options.planner) -
             PrimaryReturnOfPlanner(mdp, BlendRewards(channels, minus), options.planner)) /
            2e-6;
  }
  fd /= std::max(1.0, fd.norm().item<double>());
  EXPECT_TRUE(torch::allclose(moved, fd, /*rtol=*/0.0, /*atol=*/1e-6)) << moved << fd;
  EXPECT_NEAR(result.primary_returns.at(0),
              PrimaryReturnOfPlanner(mdp, BlendRewards(channels, weights), options.planner), 1e-12);
}

}  // namespace
}  // namespace rlab::rl::tabular
