// Row-major single-precision matrix products on raw buffers, straight into CBLAS (OpenBLAS):
// the fused small-network path calls this instead of libtorch's dispatcher, whose
// per-operation overhead dominates networks of a few thousand parameters.
#pragma once

#include <cstdint>

namespace rlab::models {

// C[m, n] = alpha * op(A) op(B) + beta * C, all row-major. op(A) is [m, k] (A is [k, m]
// when trans_a), op(B) is [k, n] (B is [n, k] when trans_b). Leading dimensions are the
// row lengths of the matrices as stored.
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// y[m] = alpha * A x + beta * y for A [m, n] row-major (one row through a layer, where a
// GEMM with one row is slower than OpenBLAS's matrix-vector kernel).
void Gemv(int64_t m, int64_t n, float alpha, const float* a, int64_t lda, const float* x,
          float beta, float* y);

}  // namespace rlab::models
