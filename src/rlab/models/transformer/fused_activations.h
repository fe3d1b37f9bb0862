// The transformer's elementwise steps that libtorch 1.13 runs as several passes over memory,
// as single-pass autograd functions on the CPU kernels in rlab/models/*_kernels.h. Tensors
// that are not float32 on the CPU take libtorch's own operators instead (same results up to
// rounding), so the model runs unchanged on other devices and dtypes.
#pragma once

#include <torch/types.h>

namespace rlab::models {

// Whether x is a float32 CPU tensor, the kind the fused kernels take.
bool TakesFusedKernels(const torch::Tensor& x);

// GPT-2's GELU, tanh approximation (Hendrycks & Gimpel 2016, arXiv:1606.08415).
torch::Tensor GeluTanh(const torch::Tensor& x);

// Attention weights: softmax over the last dimension of scale * scores where allowed is true
// (Vaswani et al. 2017, arXiv:1706.03762), 0 where it is false; a row with nothing allowed
// gets uniform weights. scores [B, H, T, S]; allowed bool, broadcastable to scores.
torch::Tensor MaskedScaledSoftmax(const torch::Tensor& scores, const torch::Tensor& allowed,
                                  double scale);

}  // namespace rlab::models
