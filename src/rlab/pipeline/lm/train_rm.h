// train-rm: a reward model for text from preference data (TRL's RewardTrainer conventions):
// a transformer backbone with a head read at the last real token (or, with score_pooling=sum,
// summed over every token: models/transformer/sequence_reward_model.h), trained by
// reward/model/text_reward_model_trainer.h with an objective of reward/model/rm_objective.h
// (Bradley-Terry
// by default; ties, rankings, ratings, quantiles and the General Preference Model too).
// Several members make an ensemble (own seed and bootstrap each) or, with ensemble.mode=warm,
// WARM: members from one initialisation whose weights are averaged (Rame et al.,
// arXiv:2401.12187). lm_coef adds GRM's text regulariser (arXiv:2406.10216), which keeps (or,
// from a fresh preset, builds) the backbone's language features. The result is <run>/reward_model
// (reward/model/text_reward_model.h), and summary.json holds the held-out figures of
// eval/reward_model_metrics.h: accuracy, ece, per-subset accuracy, ...
//
//   rlab train-rm --model tiny --data task:keywords
//   rlab train-rm --model runs/<sft>/model --data prefs.jsonl objective=gpm(dims=4)
//   rlab run examples/rm_synthetic.yaml
#pragma once

#include <cstdint>
#include <string>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"
#include "rlab/reward/model/text_reward_model_trainer.h"

namespace rlab::pipeline {

struct RmTrainData {
  std::string train = "task:keywords";  // a .jsonl / .json file, or task:SPEC
  std::string eval;                     // a file; empty: task pairs, or eval_fraction held out
  int64_t task_train_pairs = 4000;
  int64_t task_eval_pairs = 500;
  double label_noise = 0.0;    // task pairs: share of labels flipped
  double min_gold_gap = 0.0;   // task pairs: redraw pairs whose gold rewards are this close
  double rating_noise = 0.0;   // task pairs: Gaussian noise on the ratings
  double eval_fraction = 0.1;  // of a file without `eval`, held out (deterministic)
  std::string chat_template = "auto";
  int64_t max_length = 256;
  std::string truncation = "drop";

  template <class V>
  void Fields(V& v) {
    v("train", train,
      "preference data: a .jsonl/.json file in TRL's formats, or task:SPEC "
      "(pairs labelled by a synthetic task's gold preference)");
    v("eval", eval, "held-out data file (default: task pairs, or eval_fraction of train)");
    v("task_train_pairs", task_train_pairs, "pairs drawn from a task for training");
    v("task_eval_pairs", task_eval_pairs, "pairs drawn from a task for evaluation");
    v("label_noise", label_noise, "task pairs: probability that a training label is flipped");
    v("min_gold_gap", min_gold_gap, "task pairs: redraw pairs whose gold rewards are this close");
    v("rating_noise", rating_noise, "task pairs: std of noise on the ratings (score_*)");
    v("eval_fraction", eval_fraction, "share of a data file held out when eval is empty");
    v("chat_template", chat_template, "chatml, llama3, plain, or auto (from the tokenizer)");
    v("max_length", max_length, "tokens per prompt + response sequence");
    v("truncation", truncation,
      "longer records: drop (as TRL), keep_end (cut the prompt's start) or error (refuse "
      "the data, naming the first); counted in the log and summary");
  }
};

struct TrainRmConfig {
  std::string model = "preset:tiny";
  std::string tokenizer;
  std::string score_pooling;  // last | sum; empty: the starting reward model's, else last
  RmTrainData data;
  reward::TextRmTrainerOptions trainer;  // objective, optim, ensemble, lm_coef
  double embedding_init_std = 0.0;       // 0: the preset's N(0, 0.02)
  int64_t eval_every = 200;
  int64_t eval_batch_size = 64;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("model", model, "backbone: a model directory (causal LM or reward model) or a preset");
    v("tokenizer", tokenizer, "tokenizer (byte, gpt2 or a path); empty: the model's own");
    trainer.Fields(v);
    v("score_pooling", score_pooling,
      "where the head reads the backbone: last (the last real token, as Hugging Face) or sum "
      "(summed over every real token); empty: the starting reward model's, else last");
    v("data", data, "training and held-out preference data");
    v("embedding_init_std", embedding_init_std,
      "a preset backbone only: draw its token embeddings N(0, std) instead of the language-model "
      "convention's N(0, 0.02); 0 = keep");
    v("eval_every", eval_every, "steps between held-out evaluations (0 = end only)");
    v("eval_batch_size", eval_batch_size, "records scored at once in evaluation");
    v("run", run, "run directory, seed, threads, cadence (in optimiser steps)");
  }
  void Validate() const;
};

PipelineRegistry::Entry TrainRmEntry();

}  // namespace rlab::pipeline
