// GPT-2's GELU, the tanh approximation (Hendrycks & Gimpel 2016, arXiv:1606.08415):
// gelu(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). libtorch 1.13's CPU kernels for it
// took a tenth of a GPT-2 training step; these are single passes that vectorise.
#pragma once

#include <cstdint>

namespace rlab::models {

// y[i] = gelu(x[i]) for n floats.
void GeluTanhForward(const float* x, float* y, int64_t n);

// dx[i] = dy[i] * gelu'(x[i]) for n floats.
void GeluTanhBackward(const float* x, const float* dy, float* dx, int64_t n);

}  // namespace rlab::models
