// rl: online reinforcement learning of a language model from rewards of its own samples, the
// group-based family that TRL's GRPOTrainer, OpenRLHF and verl share one rollout path for:
// per step, `optim.batch_size` prompts from a task, `group_size` sampled completions each
// (KV-cached generation), rewards from a reward source (reward/signal/text_reward_source.h: rules,
// a task's gold reward, a reward model or ensemble, weighted), reward processing
// (reward/signal/reward_transforms.h, with the reference policy's sample as r_ref where a transform
// needs one), a KL term to the frozen reference (in the loss, as GRPO, or in the reward, as
// PPO-style RLHF; fixed or adaptive coefficient), advantages from rl/group_advantages.h, and
// the clipped token-level loss of rl/policy_gradient_loss.h: the trainer of
// rl/lm_policy_gradient_trainer.h. `algo` names an entry of rl/lm_rl_algorithm.h (grpo,
// dr_grpo, dapo, rloo, reinforce_pp, bnpo, ppo with a critic, and bon: best-of-N sampling
// with N = group_size and no training, pipeline/lm/lm_best_of_n.h); each entry cites its paper.
// The held-out figure is the task's gold metric of greedy (or the task's temperature)
// samples, at the start and the end: exact_match_start and exact_match on arithmetic.
// `data` may instead be a prompt file in TRL's prompt-only layouts (pipeline/lm/prompt_source.h),
// whose extra columns reach the reward sources (exact_match(column=answer), regex(column=..));
// a file has no gold reward, so the figures are the reward sources' own (eval_reward, and
// eval_rewards/<source> for several) and the summary says "gold": "none".
//
//   rlab rl --algo grpo --model runs/<sft>/model --data "task:arithmetic(digits=2)"
//   rlab rl --model runs/<sft>/model --data examples/data/prompts.jsonl
//       --reward '["model(path=runs/<rm>/reward_model)"]'     (one command line)
//   rlab run examples/grpo_arithmetic.yaml
#pragma once

#include <cstdint>
#include <string>

#include "rlab/models/optim/lm_optim.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/pipeline/lm/prompt_source.h"
#include "rlab/pipeline/lm/sft_warm_start.h"
#include "rlab/rl/lm_policy_gradient_options.h"

namespace rlab::pipeline {

struct LmRlConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  std::string data = "task:arithmetic(digits=2)";
  PromptFileOptions prompt_file;  // its keys sit at the top level: eval_data, ...
  SftWarmStart sft;
  rl::LmPolicyGradientOptions trainer;  // its keys sit at the top level: algo, group_size, ...
  models::LmOptim optim;
  int64_t eval_prompts = 200;
  int64_t eval_every = 50;
  int64_t eval_batch_size = 100;
  RunOptions run;

  LmRlConfig();  // RL defaults for optim
  template <class V>
  void Fields(V& v) {
    v("model", model, "policy: a model directory or a preset (the reference is its frozen copy)");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    v("data", data,
      "prompts: task:SPEC (train split for rollouts, test split for evaluation) or a prompt "
      "file (.jsonl/.json, {\"prompt\": ...} with any other columns for the rewards)");
    prompt_file.Fields(v);
    v("sft", sft, "an SFT stage on the task's demonstrations first (start and reference)");
    trainer.Fields(v);
    v("optim", optim,
      "optimiser and schedule; batch_size is prompts per step, steps counts "
      "rollout batches");
    v("eval_prompts", eval_prompts, "held-out prompts scored at evaluation (at most)");
    v("eval_every", eval_every, "steps between evaluations (0 = start and end only)");
    v("eval_batch_size", eval_batch_size, "prompts generated at once in evaluation");
    v("run", run, "run directory, seed, threads, cadence (in steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry LmRlEntry();

}  // namespace rlab::pipeline
