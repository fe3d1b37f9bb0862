// rl: online reinforcement learning of a language model from rewards of its own samples, the
// group-based family that TRL's GRPOTrainer, OpenRLHF and verl share one rollout path for:
// per step, `optim.batch_size` prompts from a task, `group_size` sampled completions each
// (KV-cached generation), rewards from a reward source (reward/text_reward_source.h: rules,
// a task's gold reward, a reward model or ensemble, weighted), reward processing
// (reward/reward_transforms.h, with the reference policy's sample as r_ref where a transform
// needs one), a KL term to the frozen reference (in the loss, as GRPO, or in the reward, as
// PPO-style RLHF; fixed or adaptive coefficient), advantages from rl/group_advantages.h, and
// the clipped token-level loss of rl/policy_gradient_loss.h.
//   algo grpo          group-normalised advantages, per-sequence loss mean (Shao et al.,
//                      arXiv:2402.03300)
//   algo dr_grpo       unscaled group advantages, constant-length normaliser (Liu et al.,
//                      arXiv:2503.20783)
//   algo dapo          group advantages, token-level mean, clip-higher eps 0.28 (Yu et al.,
//                      arXiv:2503.14476)
//   algo rloo          leave-one-out baseline (Ahmadian et al., arXiv:2402.14740)
//   algo reinforce_pp  batch-normalised advantages (Hu, arXiv:2501.03262)
//   algo bnpo          Beta-normalised advantages for binary rewards (arXiv:2506.02864)
//   algo ppo           a critic (a value head on a copy of the starting policy), per-token
//                      rewards, GAE, clipped policy and value losses (rl/lm_ppo.h; Ouyang et
//                      al., arXiv:2203.02155); group_size may be 1
//   algo bon           best-of-N sampling with N = group_size, no training
//                      (pipeline/lm_best_of_n.h)
// The held-out figure is the task's gold metric of greedy (or the task's temperature)
// samples, at the start and the end: exact_match_start and exact_match on arithmetic.
//
//   rlab rl --algo grpo --model runs/<sft>/model --data "task:arithmetic(digits=2)"
//   rlab run examples/grpo_arithmetic.yaml
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/pipeline/lm_optim.h"
#include "rlab/pipeline/pipeline.h"
#include "rlab/pipeline/run_options.h"
#include "rlab/pipeline/sft_warm_start.h"

namespace rlab::pipeline {

struct LmRlConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  std::string data = "task:arithmetic(digits=2)";
  SftWarmStart sft;
  std::string algo = "grpo";
  std::string advantage;         // empty: the algo's estimator
  std::string loss_aggregation;  // empty: the algo's
  std::vector<std::string> reward = {"task"};
  std::vector<double> reward_weights;
  std::vector<std::string> constraints;  // empty: the weighted sum of the sources
  double lagrange_lr = 0.05;
  double max_multiplier = 100.0;
  std::string reward_transform = "identity";
  std::string kl_controller = "fixed(beta=0)";
  std::string kl_penalty = "loss";  // loss | reward
  std::string kl_estimator;         // empty: k3 in the loss, k1 in the reward
  int64_t group_size = 8;
  double temperature = 1.0;
  int64_t max_new_tokens = 0;  // 0: the task's longest completion + 1
  int64_t updates_per_batch = 1;
  double gamma = 1.0;        // ppo
  double gae_lambda = 0.95;  // ppo
  double vf_coef = 0.1;      // ppo
  double value_clip = 0.2;   // ppo
  double epsilon_low = 0.2;
  double epsilon_high = -1;  // < 0: the algo's (dapo 0.28, else epsilon_low)
  LmOptim optim;
  int64_t eval_prompts = 200;
  int64_t eval_every = 50;
  int64_t eval_batch_size = 100;
  RunOptions run;

  LmRlConfig();  // RL defaults for optim
  template <class V>
  void Fields(V& v) {
    v("model", model, "policy: a model directory or a preset (the reference is its frozen copy)");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    v("data", data, "prompts: task:SPEC (train split for rollouts, test split for evaluation)");
    v("sft", sft, "an SFT stage on the task's demonstrations first (start and reference)");
    v("algo", algo, "grpo, dr_grpo, dapo, rloo, reinforce_pp, bnpo, ppo or bon (best-of-N, "
                      "no training)");
    v("advantage", advantage, "advantage estimator spec overriding the algo's, e.g. "
                              "grpo(scale_rewards=false)");
    v("loss_aggregation", loss_aggregation, "grpo, dr_grpo or dapo (empty: the algo's)");
    v("reward", reward, "reward sources: task, exact_match, format(regex=..), "
                        "model(path=DIR, aggregate=mean|wco|uwo(lambda=..))");
    v("reward_weights", reward_weights, "one weight per reward source (empty: all 1)");
    v("constraints", constraints, "a role per reward source instead of fixed weights: objective, "
                                  "at_least(threshold=..), at_most(threshold=..), "
                                  "equal(threshold=..) (Lagrange multipliers, Moskovitz et al.)");
    v("lagrange_lr", lagrange_lr, "constraints: step size of the multipliers' dual ascent");
    v("max_multiplier", max_multiplier, "constraints: cap of each multiplier");
    v("reward_transform", reward_transform, "identity, centre, standardise, clip(low,high), "
                                            "log_sigmoid, par (the last two against the "
                                            "reference policy's sample for the prompt)");
    v("kl_controller", kl_controller, "KL coefficient: fixed(beta=..) or "
                                      "adaptive(beta=.., target=.., horizon=..)");
    v("kl_penalty", kl_penalty, "loss: a per-token KL term in the loss (GRPO); reward: the "
                                "sequence's KL subtracted from its reward (PPO-style RLHF)");
    v("kl_estimator", kl_estimator, "k1, k2 or k3 (empty: k3 in the loss, k1 in the reward)");
    v("group_size", group_size, "completions sampled per prompt");
    v("temperature", temperature, "sampling temperature of the rollouts");
    v("max_new_tokens", max_new_tokens, "completion limit (0 = the task's longest + 1)");
    v("updates_per_batch", updates_per_batch, "optimiser steps on each batch of rollouts "
                                              "(1 = on-policy; more makes the clip matter)");
    v("gamma", gamma, "ppo: discount over completion tokens");
    v("gae_lambda", gae_lambda, "ppo: GAE lambda");
    v("vf_coef", vf_coef, "ppo: weight of the critic's value loss");
    v("value_clip", value_clip, "ppo: clip range of the value loss (0 = no clipping)");
    v("epsilon_low", epsilon_low, "clip range below 1 of the probability ratio");
    v("epsilon_high", epsilon_high, "clip range above 1 (< 0: the algo's default)");
    v("optim", optim, "optimiser and schedule; batch_size is prompts per step, steps counts "
                      "rollout batches");
    v("eval_prompts", eval_prompts, "held-out task prompts scored at evaluation");
    v("eval_every", eval_every, "steps between evaluations (0 = start and end only)");
    v("eval_batch_size", eval_batch_size, "prompts generated at once in evaluation");
    v("run", run, "run directory, seed, threads, cadence (in steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry LmRlEntry();

}  // namespace rlab::pipeline
