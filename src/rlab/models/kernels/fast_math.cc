#include "rlab/models/kernels/fast_math.h"

#include <cmath>
#include <cstdint>

#include "rlab/models/kernels/branch_free_math.h"

namespace rlab::models {

// Compiled twice, for AVX2+FMA and for the baseline, and chosen when the program loads.
__attribute__((target_clones("avx2", "default"))) void TanhInPlace(float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] = Tanh(x[i]);
}

__attribute__((target_clones("avx2", "default"))) void AdamUpdate(float* p, const float* g,
                                                                  float* m, float* v, int64_t n,
                                                                  float beta1, float beta2,
                                                                  float step_size, float sqrt_bias2,
                                                                  float eps) {
  for (int64_t i = 0; i < n; ++i) {
    m[i] = beta1 * m[i] + (1.0f - beta1) * g[i];
    v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
    p[i] -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_bias2 + eps);
  }
}

}  // namespace rlab::models
