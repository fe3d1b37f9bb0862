#include "rlab/models/kernels/fast_math.h"

namespace rlab::models {

// Built with reassociation allowed (see CMakeLists.txt) so that the dot products vectorise;
// kept apart from fast_math.cc, whose rounding tricks reassociation would undo.
__attribute__((target_clones("avx2", "default"))) void SmallBatchLinear(const float* x,
                                                                        int64_t batch, int64_t in,
                                                                        const float* w,
                                                                        const float* b, int64_t out,
                                                                        float* y) {
  for (int64_t i = 0; i < batch; ++i) {
    const float* xi = x + i * in;
    for (int64_t o = 0; o < out; ++o) {
      const float* wo = w + o * in;
      float sum = 0.0f;
      for (int64_t k = 0; k < in; ++k) sum += xi[k] * wo[k];
      y[i * out + o] = sum + b[o];
    }
  }
}

}  // namespace rlab::models
