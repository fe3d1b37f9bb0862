// dpo: direct preference optimisation of a language model and its relatives (TRL's
// DPOTrainer, CPOTrainer's simpo, ORPOTrainer, KTOTrainer, plus PRO on rankings): a policy
// and a frozen reference, both starting from `model` unless `ref_model` names another; the
// reference's log-probs of every training sequence computed once and cached in the run
// directory; a batch's chosen and rejected sequences scored in one forward pass, with the loss
// on completion tokens only (prefopt/preference_trainer.h). Held-out figures use TRL's names
// (rewards/accuracies, ...); on a synthetic task the run also samples the policy and reports
// its gold reward, its gold win rate against the reference's samples, and its KL to the
// reference measured on those samples. The trained model is written to <run>/model.
//
//   rlab dpo --model runs/<sft>/model --data task:keywords --loss-type sigmoid --beta 0.1
//   rlab dpo --model DIR --data prefs.jsonl loss_type=[sigmoid,rpo] loss_weights=[1,0.5]
//   rlab run examples/dpo_synthetic.yaml   (SFT stage, then DPO on gold-labelled pairs)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/pipeline/lm/sft_warm_start.h"
#include "rlab/prefopt/preference_trainer.h"

namespace rlab::pipeline {

struct DpoData {
  std::string train = "task:keywords";
  std::string eval;
  int64_t task_train_pairs = 4000;
  int64_t task_eval_pairs = 200;
  double label_noise = 0.0;
  double min_gold_gap = 0.0;
  double eval_fraction = 0.05;
  std::string chat_template = "auto";
  int64_t max_length = 256;
  int64_t task_eval_prompts = 200;  // prompts sampled for the gold win rate and the KL

  template <class V>
  void Fields(V& v) {
    v("train", train,
      "preference data: a .jsonl/.json file in TRL's formats (pairs, "
      "rankings, or unpaired records with 'label' for kto), or task:SPEC "
      "(pairs labelled by a synthetic task's gold preference)");
    v("eval", eval, "held-out data file (default: task pairs, or eval_fraction of train)");
    v("task_train_pairs", task_train_pairs, "pairs drawn from a task for training");
    v("task_eval_pairs", task_eval_pairs, "pairs drawn from a task for held-out figures");
    v("label_noise", label_noise, "task pairs: probability that a training label is flipped");
    v("min_gold_gap", min_gold_gap, "task pairs: redraw pairs whose gold rewards are this close");
    v("eval_fraction", eval_fraction, "share of a data file held out when eval is empty");
    v("chat_template", chat_template, "chatml, llama3, plain, or auto (from the tokenizer)");
    v("max_length", max_length, "tokens per prompt + response; longer ones are cut on the right");
    v("task_eval_prompts", task_eval_prompts,
      "task prompts sampled from the policy and the "
      "reference for gold_win_rate and kl (0 = none)");
  }
};

struct DpoConfig {
  std::string model = "preset:tiny";
  std::string ref_model;  // empty: the starting model
  std::string tokenizer;
  prefopt::PreferenceTrainerOptions trainer;  // loss_type, loss_weights, beta, ..., optim
  DpoData data;
  SftWarmStart sft;
  int64_t eval_every = 100;
  int64_t eval_batch_size = 64;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("model", model, "policy: a model directory (Hugging Face layout) or a preset");
    v("ref_model", ref_model, "frozen reference model directory (empty: the starting policy)");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    trainer.Fields(v);
    v("data", data, "training and held-out data");
    v("sft", sft,
      "an SFT stage on the task's demonstrations first (the starting policy and "
      "reference)");
    v("eval_every", eval_every, "steps between held-out evaluations (0 = start and end only)");
    v("eval_batch_size", eval_batch_size, "sequences scored or prompts sampled at once");
    v("run", run, "run directory, seed, threads, cadence (in optimiser steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry DpoEntry();

}  // namespace rlab::pipeline
