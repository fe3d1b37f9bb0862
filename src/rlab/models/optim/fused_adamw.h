// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101) with
// the update of libtorch's torch::optim::AdamW, done in one pass over each float32 CPU
// parameter and split over two cores. libtorch 1.13's step makes eight single-threaded passes
// per parameter (decay, two moment updates, square root, division, eps, the update itself),
// which cost a language-model training step several percent. Options, state and serialisation
// are AdamW's own: an optimiser saved by either class loads into the other.
#pragma once

#include <torch/optim/adamw.h>

#include <vector>

namespace rlab::models {

class FusedAdamW : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  // Parameters of another dtype or device, or amsgrad, take AdamW::step for the whole step.
  torch::Tensor step(LossClosure closure = nullptr) override;
};

// Leaves every parameter without a gradient ("set to none"), so that the next backward pass
// hands its gradient tensors over instead of adding them into zeroed ones: two passes over the
// parameters fewer than Optimizer::zero_grad. AdamW skips a parameter that then gets no
// gradient (a zeroed one would still decay and move it), as torch.optim does since 2.0.
void ClearGradients(torch::optim::Optimizer& optimizer);

// torch::nn::utils::clip_grad_norm_ (L2, the factor max_norm / (norm + 1e-6)) over the
// parameters' gradients, in one pass for the norm and one for the scaling, each split over two
// cores, when every gradient is a contiguous float32 CPU tensor (libtorch's function
// otherwise). Returns the norm before clipping.
double ClipGradientNorm(const std::vector<torch::Tensor>& parameters, double max_norm);

}  // namespace rlab::models
