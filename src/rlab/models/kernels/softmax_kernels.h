// Attention's softmax over one row of scores, with the scale and the mask folded in: one pass
// each for the maximum, the exponentials, the sum and the normalisation, instead of libtorch's
// separate divide, masked fill and softmax over the whole [B, H, T, S] tensor.
#pragma once

#include <cstdint>

namespace rlab::models {

// p = softmax(scale * s) over the entries whose allowed[i] is true, 0 elsewhere; a row with
// no allowed entry gets 1/n everywhere, as filling masked scores with the lowest float and
// then taking the softmax does. scale > 0.
void MaskedSoftmaxRow(const float* s, const bool* allowed, int64_t n, float scale, float* p);

// The gradient of that row's scores: ds = scale p (dp - sum_j dp_j p_j) on the allowed
// entries, 0 on the masked ones.
void MaskedSoftmaxBackwardRow(const float* p, const float* dp, const bool* allowed, int64_t n,
                              float scale, float* ds);

// The same for a row whose first `valid` entries (valid >= 1) are allowed and the rest of its
// n are not: a query of causal attention without padding. p, ds: 0 beyond `valid`.
void PrefixSoftmaxRow(const float* s, int64_t valid, int64_t n, float scale, float* p);
void PrefixSoftmaxBackwardRow(const float* p, const float* dp, int64_t valid, int64_t n,
                              float scale, float* ds);

}  // namespace rlab::models
