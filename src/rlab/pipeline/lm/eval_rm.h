// eval-rm: judges a trained reward model (one model or an ensemble's mean) on held-out
// preference data, the way RewardBench does (eval/reward_model_metrics.h): accuracy,
// per-subset accuracy and RewardBench's weighted score, best-of-N accuracy, ties, expected
// calibration error and the margin distribution, with bootstrap 95% intervals of the
// accuracies; a table on the terminal and the same figures in summary.json (with each ensemble
// member's accuracy and the reliability diagram's bins). It never judges part of the data
// quietly: the table opens with "evaluated N of M records", says what the truncation rule did
// to records longer than max_length (truncation=error refuses them), and the accuracy row says
// when it covers part of the data only. Each judged record's scores go to predictions.jsonl
// (eval/reward_model_predictions.h). Records whose prompt or pair the model was trained on
// (training_data_fingerprints.h) are counted and warned about. A process reward model
// (train-prm's) is judged on step data instead (eval_prm.h).
//
//   rlab eval-rm --model runs/<train-rm>/reward_model --data test.jsonl
#pragma once

#include <cstdint>
#include <string>

#include "rlab/pipeline/run/pipeline.h"
#include "rlab/pipeline/run/run_options.h"

namespace rlab::pipeline {

struct EvalRmConfig {
  std::string model;  // a reward-model directory (train-rm's reward_model/, or an ensemble)
  std::string data;   // a .jsonl / .json file or task:SPEC
  int64_t task_pairs = 500;
  double label_noise = 0.0;
  std::string chat_template = "auto";
  int64_t max_length = 256;
  // Every record is judged unless asked otherwise: a long one keeps its end (the responses)
  // and is counted as cut; `drop` judges only the records that fit, and says so.
  std::string truncation = "keep_end";
  int64_t batch_size = 64;
  int64_t task_prompts = 200;  // step data from a task (a process reward model)
  int64_t best_of_n = 8;
  RunOptions run;

  template <class V>
  void Fields(V& v) {
    v("model", model, "reward-model directory (train-rm's <run>/reward_model)");
    v("data", data, "preference data: a .jsonl/.json file, or task:SPEC (gold-labelled pairs)");
    v("task_pairs", task_pairs, "pairs drawn from a task");
    v("label_noise", label_noise, "task pairs: share of labels flipped");
    v("chat_template", chat_template, "chatml, llama3, plain, or auto (from the tokenizer)");
    v("max_length", max_length, "tokens per prompt + response sequence");
    v("truncation", truncation,
      "longer records: drop, keep_end (cut the prompt's start) or error (refuse the data); "
      "counted in the table and summary");
    v("batch_size", batch_size, "records scored at once");
    v("task_prompts", task_prompts,
      "a process reward model on task:SPEC: prompts drawn from the task (with steps)");
    v("best_of_n", best_of_n,
      "a process reward model on task:SPEC: completions drawn per prompt, among which each "
      "PRM aggregation picks one (< 2: no best-of-N)");
    v("run", run, "run directory, seed, threads");
  }
  void Validate() const;
};

PipelineRegistry::Entry EvalRmEntry();

}  // namespace rlab::pipeline
