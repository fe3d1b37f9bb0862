#include "rlab/models/transformer/causal_attention.h"

#include <torch/autograd.h>
#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "rlab/core/threads.h"
#include "rlab/models/blas.h"
#include "rlab/models/softmax_kernels.h"
#include "rlab/models/transformer/fused_activations.h"
#include "rlab/models/two_core_split.h"

namespace rlab::models {
namespace {

// Query rows per block: smaller blocks skip more of the masked future (5/8 of the full score
// matrix is computed at 64 rows and T = 256) but make smaller products.
constexpr int64_t kBlockRows = 64;

// Runs fn(bh) for every (batch, head) pair, split over cores, with OpenBLAS held to one thread
// meanwhile so that each split's products run where it is (restored afterwards). OpenBLAS's
// thread count is process-wide, so callers on different threads take turns: otherwise one
// could save the other's temporary 1 and restore it.
template <typename HeadFn>
void ForEachHead(int64_t heads, HeadFn fn) {
  static std::mutex blas_threads_held;
  const std::lock_guard lock(blas_threads_held);
  const int previous = CurrentThreads().blas_threads;
  SetBlasThreads(1);
  try {
    SplitOverCores(heads, /*grain=*/1, [&](int64_t begin, int64_t end) {
      for (int64_t bh = begin; bh < end; ++bh) fn(bh);
    });
  } catch (...) {
    SetBlasThreads(previous);
    throw;
  }
  SetBlasThreads(previous);
}

class CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q_in,
                               const torch::Tensor& k_in, const torch::Tensor& v_in,
                               double scale) {
    const torch::Tensor q = q_in.contiguous(), k = k_in.contiguous(), v = v_in.contiguous();
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3);
    // Attention weights; row t holds keys 0..t, and only each block's own columns are written.
    torch::Tensor p = torch::empty({B, H, T, T}, q.options());
    torch::Tensor out = torch::empty_like(q);
    const auto f = static_cast<float>(scale);
    const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    float *pp = p.data_ptr<float>(), *op = out.data_ptr<float>();
    ForEachHead(B * H, [&](int64_t bh) {
      const float *qh = qp + bh * T * Dh, *kh = kp + bh * T * Dh, *vh = vp + bh * T * Dh;
      float *ph = pp + bh * T * T, *oh = op + bh * T * Dh;
      for (int64_t t0 = 0; t0 < T; t0 += kBlockRows) {
        const int64_t t1 = std::min(T, t0 + kBlockRows), rows = t1 - t0;
        float* block = ph + t0 * T;  // [rows, t1] with row stride T
        Gemm(false, true, rows, t1, Dh, 1.0f, qh + t0 * Dh, Dh, kh, Dh, 0.0f, block, T);
        for (int64_t r = 0; r < rows; ++r) {
          PrefixSoftmaxRow(block + r * T, t0 + r + 1, t1, f, block + r * T);
        }
        Gemm(false, false, rows, Dh, t1, 1.0f, block, T, vh, Dh, 0.0f, oh + t0 * Dh, Dh);
      }
    });
    ctx->save_for_backward({q, k, v, p});
    ctx->saved_data["scale"] = scale;
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &q = saved[0], &k = saved[1], &v = saved[2], &p = saved[3];
    const torch::Tensor d_out = grads[0].contiguous();
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3);
    torch::Tensor dq = torch::empty_like(q);
    torch::Tensor dk = torch::zeros_like(k);  // accumulated over query blocks
    torch::Tensor dv = torch::zeros_like(v);
    const auto f = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
    const float *pp = p.data_ptr<float>(), *gp = d_out.data_ptr<float>();
    float *dqp = dq.data_ptr<float>(), *dkp = dk.data_ptr<float>(), *dvp = dv.data_ptr<float>();
    ForEachHead(B * H, [&](int64_t bh) {
      const int64_t off = bh * T * Dh;
      const float* ph = pp + bh * T * T;
      std::vector<float> scratch(std::min(T, kBlockRows) * T);  // dP, then dS, of one block
      float* ds = scratch.data();
      for (int64_t t0 = 0; t0 < T; t0 += kBlockRows) {
        const int64_t t1 = std::min(T, t0 + kBlockRows), rows = t1 - t0;
        const float* block = ph + t0 * T;
        const float* g = gp + off + t0 * Dh;
        // dP = dO V^T, then dS = scale P (dP - rowsum(dP P)) in place.
        Gemm(false, true, rows, t1, Dh, 1.0f, g, Dh, vp + off, Dh, 0.0f, ds, T);
        for (int64_t r = 0; r < rows; ++r) {
          PrefixSoftmaxBackwardRow(block + r * T, ds + r * T, t0 + r + 1, t1, f, ds + r * T);
        }
        Gemm(false, false, rows, Dh, t1, 1.0f, ds, T, kp + off, Dh, 0.0f, dqp + off + t0 * Dh,
             Dh);                                                                  // dQ = dS K
        Gemm(true, false, t1, Dh, rows, 1.0f, ds, T, qp + off + t0 * Dh, Dh, 1.0f, dkp + off,
             Dh);                                                                  // dK += dS^T Q
        Gemm(true, false, t1, Dh, rows, 1.0f, block, T, g, Dh, 1.0f, dvp + off,
             Dh);  // dV += P^T dO
      }
    });
    return {dq, dk, dv, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor CausalAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, double scale) {
  if (!TakesFusedKernels(q)) {
    const int64_t T = q.size(2);
    const torch::Tensor allowed =
        torch::ones({T, T}, q.options().dtype(torch::kBool)).tril().view({1, 1, T, T});
    return MaskedAttention(q, k, v, allowed, scale);
  }
  return CausalAttentionFunction::apply(q, k, v, scale);
}

torch::Tensor MaskedAttention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& allowed, double scale) {
  return torch::matmul(MaskedScaledSoftmax(torch::matmul(q, k.transpose(-2, -1)), allowed, scale),
                       v);
}

}  // namespace rlab::models
