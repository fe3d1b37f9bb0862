// train-prm: a process reward model (reward/model/process_reward_model.h) from step data, as
// TRL's PRMTrainer: a transformer backbone with a per-token head read at each step's last token,
// trained by per-step binary cross-entropy (reward/model/process_reward_trainer.h). The data is
// a step file in TRL's PRM layout ({"prompt", "completions": [steps], "labels": [bools]}) or
// task:SPEC, completions of varied quality drawn from a task with steps and labelled by its
// gold (pipeline/lm/prm_data.h). supervision=outcome trains the outcome reward model of the
// same completions instead (the final step, labelled by whether all steps are right). The
// result is <run>/reward_model; summary.json holds the held-out step accuracy and
// ProcessBench's first-error F1 (eval/process_reward_metrics.h).
//
//   rlab train-prm --data task:chain --steps 300
//   rlab train-prm --model runs/<sft>/model --data steps.jsonl step_separator=";"
#pragma once

#include <cstdint>
#include <string>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/reward/model/process_reward_trainer.h"

namespace rlab::pipeline {

struct PrmTrainData {
  std::string train = "task:chain";  // a .jsonl step file, or task:SPEC
  std::string eval;                  // a step file; empty: task draws, or eval_fraction held out
  int64_t task_train_completions = 4000;
  int64_t task_eval_completions = 500;
  double eval_fraction = 0.1;
  std::string step_separator;  // a step file's delimiter; empty: TRL's "\n"
  int64_t max_length = 256;

  template <class V>
  void Fields(V& v) {
    v("train", train,
      "step data: a .jsonl file in TRL's PRM layout, or task:SPEC (completions drawn from a "
      "task with steps, labelled by its gold)");
    v("eval", eval, "held-out step file (default: task draws, or eval_fraction of train)");
    v("task_train_completions", task_train_completions,
      "completions drawn from a task to train on");
    v("task_eval_completions", task_eval_completions,
      "completions drawn from a task to evaluate on");
    v("eval_fraction", eval_fraction, "share of a step file held out when eval is empty");
    v("step_separator", step_separator,
      "a step file's text between steps (empty: TRL's newline); a task uses its own");
    v("max_length", max_length, "tokens per prompt + completion; longer records are an error");
  }
};

struct TrainPrmConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  PrmTrainData data;
  reward::PrmTrainerOptions trainer;  // optim, supervision
  int64_t eval_every = 100;
  int64_t eval_batch_size = 64;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("model", model, "backbone: a language-model directory or a preset");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    trainer.Fields(v);
    v("data", data, "training and held-out step data");
    v("eval_every", eval_every, "steps between held-out evaluations (0 = end only)");
    v("eval_batch_size", eval_batch_size, "completions scored at once in evaluation");
    v("run", run, "run directory, seed, threads, cadence (in optimiser steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry TrainPrmEntry();

}  // namespace rlab::pipeline
