// The policy cliff: with tied optimal actions the argmax policy jumps under an arbitrarily
// small reward change while the entropy-regularised policy moves within eps / (2 tau (1 -
// gamma)); soft value iteration's fixed point on cases with a closed form.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "numeric_support.h"
#include "rlab/envs/tabular/finite_mdp.h"
#include "rlab/envs/tabular/policy_evaluation.h"
#include "rlab/envs/tabular/random_mdp.h"
#include "rlab/envs/tabular/value_iteration.h"
#include "rlab/rl/tabular/policy_cliff.h"
#include "rlab/rl/tabular/soft_value_iteration.h"

namespace rlab::rl::tabular {
namespace {

constexpr double kPolicyCliffExactScale = 1e-9;

// A bandit as a one-state MDP with gamma 0: arm a earns rewards[a].
envs::tabular::FiniteMdp PolicyCliffBandit(const std::vector<double>& rewards) {
  const int64_t arms = static_cast<int64_t>(rewards.size());
  return {.transitions = torch::ones({1, arms, 1}, testing::kDouble),
          .rewards = torch::tensor(rewards, testing::kDouble).reshape({1, arms, 1}),
          .initial = torch::ones({1}, testing::kDouble),
          .gamma = 0.0};
}

TEST(PolicyCliff, TiedBanditArgmaxJumpsWhileSoftmaxMovesByHalfTanh) {
  const double tau = 0.1;
  const SoftValueIterationOptions soft{.temperature = tau};
  const envs::tabular::FiniteMdp tied = PolicyCliffBandit({1.0, 1.0});
  const torch::Tensor argmax = envs::tabular::ValueIteration(tied).policy;
  const torch::Tensor softmax = SoftValueIteration(tied, soft).policy;
  for (double eps : {1e-6, 1e-3, 1e-1}) {
    const envs::tabular::FiniteMdp moved = PolicyCliffBandit({1.0 - eps, 1.0 + eps});
    EXPECT_EQ(MaxStateTotalVariation(argmax, envs::tabular::ValueIteration(moved).policy), 1.0);
    const double tv = MaxStateTotalVariation(softmax, SoftValueIteration(moved, soft).policy);
    EXPECT_NEAR(tv, 0.5 * std::tanh(eps / tau), kPolicyCliffExactScale) << eps;
    EXPECT_LE(tv, SoftPolicyChangeBound(eps, tau, 0.0) + kPolicyCliffExactScale) << eps;
  }
}

TEST(PolicyCliff, SoftValueIterationSolvesTheSelfLoopInClosedForm) {
  // One state, two self-loops: V = gamma V + tau log(e^{r1/tau} + e^{r2/tau}).
  const double tau = 0.5;
  const double gamma = 0.8;
  envs::tabular::FiniteMdp loop = PolicyCliffBandit({1.0, 0.25});
  loop.gamma = gamma;
  const SoftValueIterationResult r = SoftValueIteration(loop, {.temperature = tau});
  const double want = tau * std::log(std::exp(1.0 / tau) + std::exp(0.25 / tau)) / (1.0 - gamma);
  EXPECT_NEAR(r.values[0].item<double>(), want, kPolicyCliffExactScale);
  const double p0 = 1.0 / (1.0 + std::exp((0.25 - 1.0) / tau));
  EXPECT_NEAR(r.policy[0][0].item<double>(), p0, kPolicyCliffExactScale);
}

TEST(PolicyCliff, SoftValuesAreTheEntropyRegularisedReturnOfTheSoftPolicy) {
  const envs::tabular::FiniteMdp mdp =
      envs::tabular::MakeRandomMdp({.num_states = 4, .num_actions = 3, .seed = 9});
  const double tau = 0.3;
  const SoftValueIterationResult r = SoftValueIteration(mdp, {.temperature = tau});
  // Fixed point: V = tau logsumexp((r + gamma P V) / tau).
  const torch::Tensor q = envs::tabular::QFromValues(mdp.transitions, mdp.rewards, r.values,
                                                     mdp.gamma);  // [S, A]
  EXPECT_LT(testing::MaxAbsDiff(tau * torch::logsumexp(q / tau, 1), r.values),
            kPolicyCliffExactScale);
  // V_tau = V^pi_tau of the reward R - tau log pi(a | s), evaluated exactly.
  const torch::Tensor entropy_reward =
      mdp.rewards - tau * r.policy.log().unsqueeze(2);  // [S, A, S']
  const torch::Tensor v =
      envs::tabular::EvaluatePolicy(mdp.transitions, entropy_reward, mdp.gamma, r.policy);
  EXPECT_LT(testing::MaxAbsDiff(v, r.values), kPolicyCliffExactScale);
}

TEST(PolicyCliff, ForcedTiesKeepTheOptimalValuesAndStayWithinTheSoftBound) {
  const envs::tabular::FiniteMdp mdp =
      envs::tabular::MakeRandomMdp({.num_states = 5, .num_actions = 3, .seed = 4});
  const envs::tabular::FiniteMdp tied = WithTiedOptimalActions(mdp);
  const auto before = envs::tabular::ValueIteration(mdp);
  const auto after = envs::tabular::ValueIteration(tied);
  EXPECT_LT(testing::MaxAbsDiff(before.values, after.values), kPolicyCliffExactScale);
  const torch::Tensor best = std::get<0>(after.q_values.max(1, true));  // [S, 1]
  EXPECT_TRUE(((after.q_values >= best - kPolicyCliffExactScale).sum(1) >= 2).all().item<bool>());

  const double tau = 0.2;
  const SoftValueIterationOptions soft{.temperature = tau};
  const torch::Tensor base = SoftValueIteration(tied, soft).policy;
  Rng rng(2);
  for (double eps : {1e-3, 1e-1}) {
    const RewardPerturbation moved = PerturbRewards(tied.rewards, eps, rng);
    EXPECT_LE(moved.sup_change, eps);
    const double tv = MaxStateTotalVariation(
        base, SoftValueIteration(tied.transitions, moved.rewards, tied.gamma, soft).policy);
    EXPECT_LE(tv, SoftPolicyChangeBound(moved.sup_change, tau, tied.gamma));
  }
}

}  // namespace
}  // namespace rlab::rl::tabular
