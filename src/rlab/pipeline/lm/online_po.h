// online-po: online preference optimisation of a language model (TRL's OnlineDPOTrainer and
// the self-play, Nash and iterative methods of prefopt/online_objective.h): per step the
// policy samples `group_size` completions of `prompts_per_step` task prompts, a preference
// judge (reward/signal/preference_judge.h: the task's gold judge or a trained reward model)
// compares them, and the objective turns the judged preferences into a loss
// (prefopt/online_preference_trainer.h). The reference starts as the starting policy and, with
// ref_update_every, follows the policy every K steps. Evaluation samples held-out prompts and
// reports the gold reward, the KL to the starting model and the gold win rate against the
// starting model's samples (eval/text_task_eval.h), at the start, every eval_every steps and
// at the end. The trained model is written to <run>/model. `data` may be a prompt file
// (pipeline/lm/prompt_source.h) judged by a reward model, judge=model(path=DIR): it has no gold
// judge, so evaluation reports the judge's win rate against the starting model's samples.
//
//   rlab online-po --model runs/<sft>/model --data task:keywords --objective online_dpo
//   rlab run examples/online_dpo_synthetic.yaml   (SFT stage, then online DPO, gold judge)
#pragma once

#include <cstdint>
#include <string>

#include "rlab/models/optim/lm_optim.h"
#include "rlab/pipeline/lm/prompt_source.h"
#include "rlab/pipeline/lm/sft_warm_start.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/prefopt/online_preference_trainer.h"

namespace rlab::pipeline {

struct OnlinePoConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  std::string data = "task:keywords";
  PromptFileOptions prompt_file;  // its keys sit at the top level: eval_data, ...
  SftWarmStart sft;
  std::string reference;                     // empty: a copy of the start
  prefopt::OnlinePreferenceOptions trainer;  // its keys sit at the top level: objective, ...
  models::LmOptim optim;
  int64_t eval_prompts = 200;
  int64_t eval_every = 50;
  int64_t eval_batch_size = 64;
  RunOptions run;

  OnlinePoConfig();  // online defaults for optim
  template <class V>
  void Fields(V& v) {
    v("model", model, "policy: a model directory or a preset (the reference is its copy)");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    v("data", data,
      "prompts: task:SPEC (train split for samples, test split for evaluation) or a prompt "
      "file (.jsonl/.json, {\"prompt\": ...}; judge=model(path=DIR))");
    prompt_file.Fields(v);
    v("sft", sft, "an SFT stage on the task's demonstrations first (start and reference)");
    v("reference", reference,
      "the frozen reference: a model directory or preset (empty: a copy of the start); a "
      "preset opens with the run's seed, so with an SFT stage it is the model before it");
    trainer.Fields(v);
    v("optim", optim, "optimiser and schedule; steps counts sample batches");
    v("eval_prompts", eval_prompts, "held-out task prompts sampled at evaluation (0 = none)");
    v("eval_every", eval_every, "steps between evaluations (0 = start and end only)");
    v("eval_batch_size", eval_batch_size, "prompts generated at once in evaluation");
    v("run", run, "run directory, seed, threads, cadence (in steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry OnlinePoEntry();

}  // namespace rlab::pipeline
