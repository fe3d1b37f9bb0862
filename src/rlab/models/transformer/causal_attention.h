// Causal self-attention (Vaswani et al. 2017, arXiv:1706.03762) for full sequences without
// padding, the shape of every training batch: softmax(scale q k^T + causal mask) v as one
// autograd function. Per (batch, head) it works in blocks of query rows, so that block i
// multiplies only against the keys 0..end of block i: the products skip the future half of
// the score matrix (libtorch's batched products compute it and then mask it), the softmax
// runs on a block still in cache, and the (batch, head) pairs are split over two cores with
// one-threaded products, which for these small matrices is faster than OpenBLAS's own split.
#pragma once

#include <torch/types.h>

namespace rlab::models {

// q, k, v [B, H, T, Dh] (k and v already expanded to H heads) -> [B, H, T, Dh]: query t
// attends to keys 0..t. Float32 CPU tensors take the blocked kernel; others libtorch's
// operators (same result up to rounding).
torch::Tensor CausalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, double scale);

// The same with an explicit mask: q [B, H, T, Dh], k and v [B, H, S, Dh], allowed bool
// broadcastable to [B, H, T, S] (left-padded batches, steps after a KV cache): the full score
// matrix, then MaskedScaledSoftmax (fused_activations.h).
torch::Tensor MaskedAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& allowed, double scale);

}  // namespace rlab::models
