// Elementwise activations for the fused networks. glibc's tanhf costs tens of nanoseconds a
// call and does not vectorise; in a 64-unit network it took more time than the matrix
// products. These are branch-free and vectorise, accurate to a few float ulps.
#pragma once

#include <cstdint>

namespace rlab::models {

// x <- tanh(x) for n floats; absolute error below 1e-7 in [-9, 9] and exact +-1 beyond.
void TanhInPlace(float* x, int64_t n);

// One Adam update of n parameters (the arithmetic of FlatAdam::Step): m and v are the
// moments, step_size = lr / (1 - beta1^t), sqrt_bias2 = sqrt(1 - beta2^t).
void AdamUpdate(float* p, const float* g, float* m, float* v, int64_t n, float beta1, float beta2,
                float step_size, float sqrt_bias2, float eps);

// y [B, out] = x [B, in] W^T + b for W [out, in] row-major: a layer applied to a few rows
// (acting in a rollout), where a BLAS call costs more in setup than in arithmetic.
void SmallBatchLinear(const float* x, int64_t batch, int64_t in, const float* w, const float* b,
                      int64_t out, float* y);

}  // namespace rlab::models
