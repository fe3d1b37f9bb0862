// Supervised fine-tuning of a causal language model as a trainer: teacher forcing with the loss
// on completion tokens only (TRL's SFTTrainer with a completion-only loss), AdamW with warm-up,
// cosine decay, clipping and accumulation (models/optim/lm_optim.h). A step takes the
// micro-batches of
// one optimiser step and divides each one's summed negative log-likelihood by the target tokens
// of all of them, so that accumulation equals one large batch. It reads no files and logs
// nothing: pipeline/lm/sft.h draws the batches, logs, checkpoints and evaluates.
//
// It lives beside the transformer because it is the language model's own objective
// (token_logprobs.h) and is shared by every stage that fine-tunes on demonstrations.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "rlab/text/sft_dataset.h"
#include "rlab/text/token_batch.h"
#include "rlab/models/optim/lm_optim.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab {
class CheckpointState;
}

namespace rlab::models {

struct SftTrainerOptions {
  LmOptim optim;

  template <class V>
  void Fields(V& v) {
    v("optim", optim, "optimiser and schedule");
  }
  void Validate() const { optim.Validate(); }
};

struct SftStep {
  double loss = 0.0;     // mean negative log-likelihood per target token of the step
  double nll = 0.0;      // summed over the step's target tokens
  double targets = 0.0;  // target tokens of the step
  double learning_rate = 0.0;
  double grad_norm = 0.0;  // before clipping; 0 when clipping is off
};

class SftTrainer {
 public:
  // Trains `model` in place; `pad` is the id after each row's end, `total_steps` sizes the
  // learning-rate schedule.
  SftTrainer(const SftTrainerOptions& options, Transformer model, int64_t pad, int64_t total_steps);

  // One optimiser step over `micro_batches` (optim.grad_accum of them).
  SftStep Step(const std::vector<data::TokenBatch>& micro_batches);
  // The mean per-token loss over `examples` (teacher forcing, no gradients), in batches of
  // `batch_size`; NaN for none. The caller chooses the model's mode (eval for held-out figures).
  double HeldOutLoss(const std::vector<data::SftExample>& examples, int64_t batch_size);

  // The model and the optimiser, under the names "model" and "optimizer".
  void AddTo(CheckpointState& state);
  int64_t step() const { return step_; }
  void Resume(int64_t step) { step_ = step; }

 private:
  SftTrainerOptions options_;
  Transformer model_;
  int64_t pad_;
  int64_t total_steps_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  int64_t step_ = 0;
};

}  // namespace rlab::models
