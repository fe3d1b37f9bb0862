#include "rlab/models/transformer/fused_activations.h"

#include <torch/autograd.h>
#include <torch/torch.h>

#include <limits>

#include "rlab/models/kernels/gelu_kernels.h"
#include "rlab/models/kernels/softmax_kernels.h"
#include "rlab/models/kernels/two_core_split.h"

namespace rlab::models {
namespace {

// Elements per task when a kernel is split over cores (SplitOverCores).
constexpr int64_t kElementGrain = 1 << 15;

class GeluTanhFunction : public torch::autograd::Function<GeluTanhFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    const torch::Tensor input = x.contiguous();
    torch::Tensor y = torch::empty_like(input);
    const float* in = input.data_ptr<float>();
    float* out = y.data_ptr<float>();
    SplitOverCores(input.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
      GeluTanhForward(in + begin, out + begin, end - begin);
    });
    ctx->save_for_backward({input});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::Tensor input = ctx->get_saved_variables()[0];
    const torch::Tensor dy = grads[0].contiguous();
    torch::Tensor dx = torch::empty_like(input);
    const float* in = input.data_ptr<float>();
    const float* g = dy.data_ptr<float>();
    float* out = dx.data_ptr<float>();
    SplitOverCores(input.numel(), kElementGrain, [&](int64_t begin, int64_t end) {
      GeluTanhBackward(in + begin, g + begin, out + begin, end - begin);
    });
    return {dx};
  }
};

// Calls row(r, mask_row) for each row r of a contiguous [..., S] tensor, with mask_row the
// matching row of `allowed` expanded to the same shape (its last dimension contiguous).
template <typename RowFn>
void ForEachRow(const torch::Tensor& like, const torch::Tensor& allowed, RowFn row) {
  const int64_t S = like.size(-1), dims = like.dim();
  const int64_t rows = like.numel() / S;
  const bool* mask = allowed.data_ptr<bool>();
  SplitOverCores(rows, /*grain=*/64, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      int64_t offset = 0, rest = r;
      for (int64_t d = dims - 2; d >= 0; --d) {
        offset += (rest % like.size(d)) * allowed.stride(d);
        rest /= like.size(d);
      }
      row(r, mask + offset);
    }
  });
}

class MaskedScaledSoftmaxFunction : public torch::autograd::Function<MaskedScaledSoftmaxFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& scores,
                               const torch::Tensor& allowed, double scale) {
    const torch::Tensor s = scores.contiguous();
    // The mask's broadcast dimensions keep stride 0, but the kernel reads its rows as
    // contiguous bytes: a mask broadcast along the rows themselves is written out in full.
    torch::Tensor mask = allowed.expand(s.sizes());
    if (mask.stride(-1) != 1) mask = mask.contiguous();
    torch::Tensor p = torch::empty_like(s);
    const int64_t S = s.size(-1);
    const float* in = s.data_ptr<float>();
    float* out = p.data_ptr<float>();
    const auto f = static_cast<float>(scale);
    ForEachRow(s, mask, [&](int64_t r, const bool* mask_row) {
      MaskedSoftmaxRow(in + r * S, mask_row, S, f, out + r * S);
    });
    ctx->save_for_backward({p, mask});
    ctx->saved_data["scale"] = scale;
    return p;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& p = saved[0];
    const torch::Tensor& mask = saved[1];
    const torch::Tensor dp = grads[0].contiguous();
    torch::Tensor ds = torch::empty_like(p);
    const int64_t S = p.size(-1);
    const float* prob = p.data_ptr<float>();
    const float* g = dp.data_ptr<float>();
    float* out = ds.data_ptr<float>();
    const auto f = static_cast<float>(ctx->saved_data["scale"].toDouble());
    ForEachRow(p, mask, [&](int64_t r, const bool* mask_row) {
      MaskedSoftmaxBackwardRow(prob + r * S, g + r * S, mask_row, S, f, out + r * S);
    });
    return {ds, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool TakesFusedKernels(const torch::Tensor& x) {
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
}

torch::Tensor GeluTanh(const torch::Tensor& x) {
  if (!TakesFusedKernels(x)) return torch::gelu(x, "tanh");
  return GeluTanhFunction::apply(x);
}

torch::Tensor MaskedScaledSoftmax(const torch::Tensor& scores, const torch::Tensor& allowed,
                                  double scale) {
  if (!TakesFusedKernels(scores)) {
    // Masked scores take the lowest finite value rather than -inf, so that a row with nothing
    // to attend to (a padding query) gives uniform weights instead of NaN.
    return torch::softmax(
        (scores * scale).masked_fill(allowed.logical_not(), std::numeric_limits<float>::lowest()),
        -1);
  }
  return MaskedScaledSoftmaxFunction::apply(scores, allowed.to(torch::kBool), scale);
}

}  // namespace rlab::models
