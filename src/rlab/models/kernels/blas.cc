#include "rlab/models/kernels/blas.h"

#include <cblas.h>

namespace rlab::models {

void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

void Gemv(int64_t m, int64_t n, float alpha, const float* a, int64_t lda, const float* x,
          float beta, float* y) {
  if (m == 0) return;
  cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(m), static_cast<int>(n), alpha, a,
              static_cast<int>(lda), x, 1, beta, y, 1);
}

}  // namespace rlab::models
