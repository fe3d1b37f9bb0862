// Adam on flat parameter buffers (Kingma and Ba, "Adam: A Method for Stochastic
// Optimization", arXiv:1412.6980), with the exact update of torch.optim.Adam (bias
// corrections, eps added after the square root), for the fused networks of fast_mlp.h.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <string>

namespace rlab {
class CheckpointState;
}

namespace rlab::models {

struct AdamSettings {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

class FlatAdam {
 public:
  // Optimises the float32 tensor `params` (flat, contiguous) with gradients in `grads`.
  FlatAdam(torch::Tensor params, torch::Tensor grads, AdamSettings settings);
  void Step();
  void set_lr(double lr) { settings_.lr = lr; }
  double lr() const { return settings_.lr; }
  int64_t steps() const { return step_.item<int64_t>(); }
  // Registers the moments and the step count under `name` for checkpoints.
  void AddTo(CheckpointState& state, const std::string& name);

 private:
  torch::Tensor params_, grads_;  // [P]
  torch::Tensor m_, v_;           // [P] first and second moments
  torch::Tensor step_;            // [] int64, a tensor so that checkpoints restore it
  AdamSettings settings_;
};

// Scales the gradients in `grads` so that their joint L2 norm is at most max_norm, as
// torch.nn.utils.clip_grad_norm_ does over all parameters of a model (the factor is
// max_norm / (norm + 1e-6)). Returns the norm before clipping.
double ClipGradNorm(std::span<const torch::Tensor> grads, double max_norm);

}  // namespace rlab::models
