// The options of the language-model policy-gradient trainer (rl/lm_policy_gradient_trainer.h):
// the algorithm (rl/lm_rl_algorithm.h) and what overrides its defaults, the reward sources and
// their processing, the KL term, sampling, PPO's critic and the clip range. The rl pipeline
// inlines these fields at the top level of its config (`algo`, `group_size`, `epsilon_low`,
// ...); the optimiser settings stay the pipeline's (`optim`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/models/generation/generate.h"
#include "rlab/reward/signal/kl_estimators.h"
#include "rlab/rl/lm_rl_algorithm.h"
#include "rlab/rl/policy_gradient_loss.h"
#include "rlab/rl/prompt_groups.h"

namespace rlab::rl {

struct LmPolicyGradientOptions {
  std::string algo = "grpo";
  std::string advantage;         // empty: the algo's estimator
  std::string loss_aggregation;  // empty: the algo's
  std::vector<std::string> reward = {"task"};
  std::vector<double> reward_weights;
  std::vector<std::string> constraints;  // empty: the weighted sum of the sources
  double lagrange_lr = 0.05;
  double max_multiplier = 100.0;
  std::string reward_transform = "identity";
  std::string process_reward;  // empty: outcome rewards only
  std::string credit = "sum";
  std::string kl_controller = "fixed(beta=0)";
  std::string kl_penalty = "loss";  // loss | reward
  std::string kl_estimator;         // empty: k3 in the loss, k1 in the reward
  int64_t group_size = 8;
  RolloutSampling sampling;  // its keys sit at the top level: temperature, max_new_tokens
  int64_t updates_per_batch = 1;
  double gamma = 1.0;        // ppo
  double gae_lambda = 0.95;  // ppo
  double vf_coef = 0.1;      // ppo
  double value_clip = 0.2;   // ppo
  double epsilon_low = 0.2;
  double epsilon_high = -1;  // < 0: the algo's (dapo 0.28, else epsilon_low)

  template <class V>
  void Fields(V& v) {
    v("algo", algo,
      "grpo, dr_grpo, dapo, rloo, reinforce_pp, bnpo, ppo or bon (best-of-N, "
      "no training)");
    v("advantage", advantage,
      "advantage estimator spec overriding the algo's, e.g. "
      "grpo(scale_rewards=false)");
    v("loss_aggregation", loss_aggregation,
      "loss aggregation: grpo, dr_grpo or dapo (empty: the algo's)");
    v("reward", reward,
      "reward sources: task, exact_match(column=answer), regex(pattern=..|column=..), "
      "format(regex=..), model(path=DIR, aggregate=mean|wco|uwo(lambda=..))");
    v("reward_weights", reward_weights, "one weight per reward source (empty: all 1)");
    v("constraints", constraints,
      "a role per reward source instead of fixed weights: objective, "
      "at_least(threshold=..), at_most(threshold=..), "
      "equal(threshold=..) (Lagrange multipliers, Moskovitz et al.)");
    v("lagrange_lr", lagrange_lr, "constraints: step size of the multipliers' dual ascent");
    v("max_multiplier", max_multiplier, "constraints: cap of each multiplier");
    v("reward_transform", reward_transform,
      "identity, centre, standardise, clip(low,high), "
      "log_sigmoid, par (the last two against the "
      "reference policy's sample for the prompt)");
    v("process_reward", process_reward,
      "a reward on each reasoning step of a task with steps (empty: outcome rewards only): "
      "gold, gameable(..), prm(path=DIR), prime(..), implicit(path=DIR, ..), oprl(..); "
      "critic-free algos only");
    v("credit", credit,
      "with process_reward, how outcome and step rewards become token advantages: sum, "
      "pure (min-form), clip(eta=..), delta, g_ra(threshold=..), salt(merge=..), spa(ridge=..)");
    v("kl_controller", kl_controller,
      "KL coefficient: fixed(beta=..) or "
      "adaptive(beta=.., target=.., horizon=..)");
    v("kl_penalty", kl_penalty,
      "loss: a per-token KL term in the loss (GRPO); reward: the "
      "sequence's KL subtracted from its reward (PPO-style RLHF)");
    v("kl_estimator", kl_estimator, "k1, k2 or k3 (empty: k3 in the loss, k1 in the reward)");
    v("group_size", group_size, "completions sampled per prompt");
    sampling.Fields(v);
    v("updates_per_batch", updates_per_batch,
      "optimiser steps on each batch of rollouts "
      "(1 = on-policy; more makes the clip matter)");
    v("gamma", gamma, "ppo: discount over completion tokens");
    v("gae_lambda", gae_lambda, "ppo: GAE lambda");
    v("vf_coef", vf_coef, "ppo: weight of the critic's value loss");
    v("value_clip", value_clip, "ppo: clip range of the value loss (0 = no clipping)");
    v("epsilon_low", epsilon_low, "clip range below 1 of the probability ratio");
    v("epsilon_high", epsilon_high, "clip range above 1 (< 0: the algo's default)");
  }
  void Validate() const;

  // The settings in effect: the options where given, else the algorithm's defaults.
  std::string AdvantageSpec(const LmRlAlgorithm& algorithm) const;
  std::string AggregationSpec(const LmRlAlgorithm& algorithm) const;
  double EpsilonHigh(const LmRlAlgorithm& algorithm) const;
  bool KlInReward() const { return kl_penalty == "reward"; }
  reward::KlEstimator Estimator() const;
  // The rollouts' sampling: `task_defaults` (the task's limits and stop tokens) at
  // `temperature`, with `max_new_tokens` where given.
  models::GenerationOptions RolloutGeneration(models::GenerationOptions task_defaults) const;
};

}  // namespace rlab::rl
