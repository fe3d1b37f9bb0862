#include "rlab/models/kernels/gelu_kernels.h"

#include "rlab/models/kernels/branch_free_math.h"

namespace rlab::models {
namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kCubic = 0.044715f;

inline float InnerTanh(float x) { return Tanh(kSqrt2OverPi * (x + kCubic * x * x * x)); }

}  // namespace

// Compiled twice, for AVX2+FMA and for the baseline, and chosen when the program loads.
__attribute__((target_clones("avx2", "default"))) void GeluTanhForward(const float* x, float* y,
                                                                       int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = 0.5f * x[i] * (1.0f + InnerTanh(x[i]));
}

__attribute__((target_clones("avx2", "default"))) void GeluTanhBackward(const float* x,
                                                                        const float* dy, float* dx,
                                                                        int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float t = InnerTanh(v);
    // d/dx of x/2 (1 + t(u)) with u = c (x + k x^3): (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 k x^2).
    const float du = kSqrt2OverPi * (1.0f + 3.0f * kCubic * v * v);
    dx[i] = dy[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du);
  }
}

}  // namespace rlab::models
