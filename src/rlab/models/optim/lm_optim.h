// The optimiser settings every language-model trainer shares (sft, train-rm, dpo, ...): AdamW
// (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101) with linear
// warm-up and cosine decay to a floor, gradient clipping and accumulation.
#pragma once

#include <torch/optim/adamw.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace rlab::models {

struct LmOptim {
  int64_t steps = 2000;  // optimiser steps; 0 = run `epochs` over the data
  double epochs = 1.0;
  int64_t batch_size = 32;
  int64_t grad_accum = 1;
  double learning_rate = 1e-3;
  double min_lr_ratio = 0.1;
  double warmup_ratio = 0.05;
  double weight_decay = 0.0;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double max_grad_norm = 1.0;

  template <class V>
  void Fields(V& v) {
    v("steps", steps, "optimiser steps (0 = use epochs)");
    v("epochs", epochs, "passes over the data when steps is 0");
    v("batch_size", batch_size, "examples per micro-batch");
    v("grad_accum", grad_accum, "micro-batches per optimiser step");
    v("learning_rate", learning_rate, "peak learning rate of AdamW");
    v("min_lr_ratio", min_lr_ratio, "the cosine decays to this share of the peak");
    v("warmup_ratio", warmup_ratio, "share of the steps spent warming up linearly");
    v("weight_decay", weight_decay, "AdamW's decoupled weight decay");
    v("adam_beta1", adam_beta1, "AdamW beta1");
    v("adam_beta2", adam_beta2, "AdamW beta2");
    v("max_grad_norm", max_grad_norm, "clip the global gradient norm (0 = off)");
  }
  void Validate() const;  // errors name the keys as optim.KEY
  // Optimiser steps for `examples` training examples: `steps`, or the epochs' worth.
  int64_t TotalSteps(int64_t examples) const;
  // The learning rate at `step` of `total_steps`.
  double LearningRateAt(int64_t step, int64_t total_steps) const;
};

// A FusedAdamW (models/optim/fused_adamw.h): libtorch's AdamW, stepped in one pass per parameter.
std::unique_ptr<torch::optim::AdamW> MakeAdamW(const std::vector<torch::Tensor>& parameters,
                                               const LmOptim& optim);
void SetLearningRate(torch::optim::AdamW& optimizer, double learning_rate);

}  // namespace rlab::models
