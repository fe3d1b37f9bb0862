#include "rlab/models/transformer/sft_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rlab/core/checkpoint.h"
#include "rlab/models/optim/finite_step.h"
#include "rlab/models/optim/fused_adamw.h"
#include "rlab/models/transformer/token_logprobs.h"

namespace rlab::models {

SftTrainer::SftTrainer(const SftTrainerOptions& options, Transformer model, int64_t pad,
                       int64_t total_steps)
    : options_(options), model_(std::move(model)), pad_(pad), total_steps_(total_steps) {
  model_->train();
  optimizer_ = MakeAdamW(model_->parameters(), options_.optim);
}

SftStep SftTrainer::Step(const std::vector<data::TokenBatch>& micro_batches) {
  SftStep s;
  for (const data::TokenBatch& b : micro_batches) {
    s.targets += b.loss_mask.slice(1, 1).sum().item<double>();
  }
  s.learning_rate = options_.optim.LearningRateAt(step_, total_steps_);
  SetLearningRate(*optimizer_, s.learning_rate);
  ClearGradients(*optimizer_);
  for (const data::TokenBatch& b : micro_batches) {
    const torch::Tensor nll = MaskedNllSum(model_(b.ids, b.attention_mask), b.ids, b.loss_mask);
    (nll / std::max(s.targets, 1.0)).backward();
    s.nll += nll.item<double>();
  }
  s.loss = s.nll / std::max(s.targets, 1.0);
  if (options_.optim.max_grad_norm > 0) {
    s.grad_norm = ClipGradientNorm(model_->parameters(), options_.optim.max_grad_norm);
  }
  CheckFiniteStep(s.loss, s.grad_norm, step_ + 1,
                  fmt::format("optim.learning_rate (now {})", options_.optim.learning_rate));
  optimizer_->step();
  ++step_;
  return s;
}

double SftTrainer::HeldOutLoss(const std::vector<data::SftExample>& examples, int64_t batch_size) {
  if (examples.empty()) return std::nan("");
  torch::NoGradGuard no_grad;
  double nll = 0.0, tokens = 0.0;
  std::vector<int64_t> idx;
  for (std::size_t start = 0; start < examples.size(); start += batch_size) {
    idx.resize(std::min<std::size_t>(batch_size, examples.size() - start));
    std::iota(idx.begin(), idx.end(), static_cast<int64_t>(start));
    const data::TokenBatch b = data::CollateRightPadded(examples, idx, pad_);
    nll += MaskedNllSum(model_(b.ids, b.attention_mask), b.ids, b.loss_mask).item<double>();
    tokens += b.loss_mask.slice(1, 1).sum().item<double>();
  }
  return nll / std::max(tokens, 1.0);
}

void SftTrainer::AddTo(CheckpointState& state) {
  state.AddModule("model", model_.ptr());
  state.AddOptimizer("optimizer", optimizer_.get());
}

}  // namespace rlab::models
