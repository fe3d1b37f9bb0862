#include "rlab/models/transformer/causal_attention.h"

#include <torch/autograd.h>
#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "rlab/core/threads.h"
#include "rlab/models/kernels/blas.h"
#include "rlab/models/kernels/softmax_kernels.h"
#include "rlab/models/transformer/fused_activations.h"
#include "rlab/models/kernels/two_core_split.h"

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

// The (batch, head) matrices of a [B, H, T, Dh] tensor whose last dimension is contiguous:
// [T, Dh] each, rows `row` floats apart. The projections' outputs are read in place through
// their [B, T, H, Dh] strides, and results are written in that layout, so that no head needs a
// copy on the way in or out.
template <typename Float>
struct Heads {
  Float* data;
  int64_t heads, batch_stride, head_stride, row;

  explicit Heads(const torch::Tensor& t)
      : data(static_cast<Float*>(t.data_ptr())),
        heads(t.size(1)),
        batch_stride(t.stride(0)),
        head_stride(t.stride(1)),
        row(t.stride(2)) {}
  Float* operator[](int64_t bh) const {
    return data + (bh / heads) * batch_stride + (bh % heads) * head_stride;
  }
};

torch::Tensor WithContiguousRows(const torch::Tensor& t) {
  return t.stride(-1) == 1 ? t : t.contiguous();
}

// An uninitialised (or zero) [B, H, T, Dh] result stored as [B, T, H, Dh], the layout the
// output projection reads, so that merging the heads afterwards is a view.
torch::Tensor HeadsInTokenOrder(const torch::Tensor& like, bool zero) {
  const std::vector<int64_t> size = {like.size(0), like.size(2), like.size(1), like.size(3)};
  return (zero ? torch::zeros(size, like.options()) : torch::empty(size, like.options()))
      .transpose(1, 2);
}

class CausalAttentionFunction : public torch::autograd::Function<CausalAttentionFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q_in,
                               const torch::Tensor& k_in, const torch::Tensor& v_in, double scale) {
    const torch::Tensor q = WithContiguousRows(q_in), k = WithContiguousRows(k_in),
                        v = WithContiguousRows(v_in);
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3);
    // Attention weights; row t holds keys 0..t, and only each block's own columns are written.
    torch::Tensor p = torch::empty({B, H, T, T}, q.options());
    torch::Tensor out = HeadsInTokenOrder(q, /*zero=*/false);
    const auto f = static_cast<float>(scale);
    const Heads<const float> qs(q), ks(k), vs(v);
    const Heads<float> os(out);
    float* pp = p.data_ptr<float>();
    ForEachHead(B * H, [&](int64_t bh) {
      const float *qh = qs[bh], *kh = ks[bh], *vh = vs[bh];
      float *ph = pp + bh * T * T, *oh = os[bh];
      for (int64_t t0 = 0; t0 < T; t0 += kBlockRows) {
        const int64_t t1 = std::min(T, t0 + kBlockRows), rows = t1 - t0;
        float* block = ph + t0 * T;  // [rows, t1] with row stride T
        Gemm(false, true, rows, t1, Dh, 1.0f, qh + t0 * qs.row, qs.row, kh, ks.row, 0.0f, block, T);
        for (int64_t r = 0; r < rows; ++r) {
          PrefixSoftmaxRow(block + r * T, t0 + r + 1, t1, f, block + r * T);
        }
        Gemm(false, false, rows, Dh, t1, 1.0f, block, T, vh, vs.row, 0.0f, oh + t0 * os.row,
             os.row);
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
    const torch::Tensor d_out = WithContiguousRows(grads[0]);
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), Dh = q.size(3);
    torch::Tensor dq = HeadsInTokenOrder(q, /*zero=*/false);
    torch::Tensor dk = HeadsInTokenOrder(k, /*zero=*/true);  // accumulated over query blocks
    torch::Tensor dv = HeadsInTokenOrder(v, /*zero=*/true);
    const auto f = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const Heads<const float> qs(q), ks(k), vs(v), gs(d_out);
    const Heads<float> dqs(dq), dks(dk), dvs(dv);
    const float* pp = p.data_ptr<float>();
    ForEachHead(B * H, [&](int64_t bh) {
      const float* ph = pp + bh * T * T;
      std::vector<float> scratch(std::min(T, kBlockRows) * T);  // dP, then dS, of one block
      float* ds = scratch.data();
      for (int64_t t0 = 0; t0 < T; t0 += kBlockRows) {
        const int64_t t1 = std::min(T, t0 + kBlockRows), rows = t1 - t0;
        const float* block = ph + t0 * T;
        const float* g = gs[bh] + t0 * gs.row;
        const float* qb = qs[bh] + t0 * qs.row;
        // dP = dO V^T, then dS = scale P (dP - rowsum(dP P)) in place.
        Gemm(false, true, rows, t1, Dh, 1.0f, g, gs.row, vs[bh], vs.row, 0.0f, ds, T);
        for (int64_t r = 0; r < rows; ++r) {
          PrefixSoftmaxBackwardRow(block + r * T, ds + r * T, t0 + r + 1, t1, f, ds + r * T);
        }
        Gemm(false, false, rows, Dh, t1, 1.0f, ds, T, ks[bh], ks.row, 0.0f, dqs[bh] + t0 * dqs.row,
             dqs.row);  // dQ = dS K
        Gemm(true, false, t1, Dh, rows, 1.0f, ds, T, qb, qs.row, 1.0f, dks[bh],
             dks.row);  // dK += dS^T Q
        Gemm(true, false, t1, Dh, rows, 1.0f, block, T, g, gs.row, 1.0f, dvs[bh],
             dvs.row);  // dV += P^T dO
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
