// sft: supervised fine-tuning of a causal language model on demonstrations, in TRL's data
// conventions with the loss on completion tokens only (models/transformer/sft_trainer.h: AdamW,
// warm-up and cosine decay, clipping and accumulation). The model starts from a preset or a
// Hugging Face model directory, and the trained model is written to <run>/model in the same
// layout.
//
//   rlab sft --model tiny --data task:arithmetic(digits=2)
//   rlab sft --model DIR --data train.jsonl
//   rlab run examples/sft_arithmetic.yaml
#pragma once

#include <cstdint>
#include <string>

#include "rlab/models/transformer/sft_trainer.h"
#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"

namespace rlab::pipeline {

struct SftData {
  std::string train = "task:arithmetic";  // a .jsonl / .json file, or task:SPEC
  std::string eval;                     // a file; empty: the task's test split, or a held-out share
  int64_t task_train_examples = 20000;  // demonstrations drawn from a task
  int64_t eval_examples = 200;          // held-out prompts scored with the task's gold reward
  double eval_fraction = 0.05;          // of a file without `eval`, held out (deterministic)
  std::string chat_template = "auto";   // for conversational records; auto: from the tokenizer
  int64_t max_length = 256;             // tokens per example; longer ones are cut on the right

  template <class V>
  void Fields(V& v) {
    v("train", train,
      "training data: a .jsonl/.json file (prompt+completion or messages), "
      "or task:SPEC, e.g. task:arithmetic(digits=2)");
    v("eval", eval, "held-out data file (default: the task's test split, or eval_fraction)");
    v("task_train_examples", task_train_examples, "demonstrations drawn from a task");
    v("eval_examples", eval_examples, "held-out task prompts scored with the gold reward");
    v("eval_fraction", eval_fraction, "share of a data file held out when eval is empty");
    v("chat_template", chat_template, "chatml, llama3, plain, or auto (from the tokenizer)");
    v("max_length", max_length, "tokens per example; longer examples are cut on the right");
  }
};

struct SftConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;  // empty: the model's own (presets: byte)
  SftData data;
  models::SftTrainerOptions trainer;  // optim
  int64_t eval_every = 500;           // steps between held-out evaluations (0 = start and end only)
  int64_t eval_batch_size = 64;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("model", model, "model directory (Hugging Face layout) or preset: tiny, small, medium");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    v("data", data, "training and held-out data");
    trainer.Fields(v);
    v("eval_every", eval_every, "steps between held-out evaluations (0 = start and end only)");
    v("eval_batch_size", eval_batch_size, "prompts generated at once when scoring a task");
    v("run", run,
      "run directory, seed, threads, cadence (log_every and checkpoint_every in "
      "optimiser steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry SftEntry();

}  // namespace rlab::pipeline
