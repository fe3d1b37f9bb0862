#include "rlab/models/fast_mlp.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "rlab/core/check.h"
#include "rlab/models/hidden_widths.h"
#include "rlab/core/rng.h"
#include "rlab/models/kernels/blas.h"
#include "rlab/models/kernels/fast_math.h"

namespace rlab::models {

namespace {
// Up to this many rows a forward pass uses plain dot products instead of BLAS (measured in
// bench/fast_mlp_bench.cc: BLAS's per-call setup dominates at a handful of rows).
constexpr int64_t kSmallBatch = 8;
}  // namespace

Activation ParseActivation(const std::string& name) {
  if (name == "tanh") return Activation::kTanh;
  if (name == "relu") return Activation::kRelu;
  RLAB_FAIL("unknown activation '{}'; valid: relu, tanh", name);
}

FastMlp::FastMlp(int64_t in_features, std::vector<int64_t> hidden, int64_t out_features,
                 Activation activation)
    : activation_(activation) {
  RLAB_CHECK(in_features >= 1 && out_features >= 1,
             "an MLP needs at least one input and one output, got {} -> {}", in_features,
             out_features);
  CheckHiddenWidths(hidden, "the MLP's hidden");
  widths_.push_back(in_features);
  widths_.insert(widths_.end(), hidden.begin(), hidden.end());
  widths_.push_back(out_features);
  int64_t total = 0;
  for (size_t l = 0; l + 1 < widths_.size(); ++l) {
    offsets_.push_back(total);
    total += widths_[l + 1] * widths_[l] + widths_[l + 1];
  }
  params_ = torch::zeros({total});
  grads_ = torch::zeros({total});
  param_data_ = params_.data_ptr<float>();
  grad_data_ = grads_.data_ptr<float>();
}

FastMlp::FastMlp(const FastMlp& other)
    : widths_(other.widths_),
      offsets_(other.offsets_),
      activation_(other.activation_),
      params_(other.params_.clone()),
      grads_(torch::zeros_like(other.grads_)) {
  param_data_ = params_.data_ptr<float>();
  grad_data_ = grads_.data_ptr<float>();
}

void FastMlp::InitOrthogonal(double hidden_gain, double output_gain, Rng& rng) {
  torch::NoGradGuard no_grad;
  for (int64_t l = 0; l < num_layers(); ++l) {
    const int64_t rows = widths_[l + 1], cols = widths_[l];
    // As torch.nn.init.orthogonal_: QR of a Gaussian matrix (of its transpose when wide),
    // with the signs of R's diagonal folded into Q so that the result is uniformly
    // distributed over orthogonal matrices.
    const bool wide = rows < cols;
    torch::Tensor g = torch::empty({wide ? cols : rows, wide ? rows : cols}, torch::kDouble);
    double* gd = g.data_ptr<double>();
    for (int64_t i = 0; i < g.numel(); ++i) gd[i] = rng.Normal();
    auto [q, r] = torch::linalg_qr(g);
    q = q * torch::sign(torch::diagonal(r)).unsqueeze(0);
    if (wide) q = q.t();
    const double gain = l + 1 == num_layers() ? output_gain : hidden_gain;
    const torch::Tensor w = (q * gain).to(torch::kFloat).contiguous();  // [rows, cols]
    std::memcpy(weight(l), w.data_ptr<float>(), sizeof(float) * rows * cols);
    std::fill_n(bias(l), rows, 0.0f);
  }
}

void FastMlp::InitFanInUniform(Rng& rng) {
  for (int64_t l = 0; l < num_layers(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(widths_[l]));
    float* w = weight(l);
    for (int64_t i = 0; i < widths_[l + 1] * widths_[l]; ++i) {
      w[i] = static_cast<float>(rng.Uniform(-bound, bound));
    }
    float* b = bias(l);
    for (int64_t i = 0; i < widths_[l + 1]; ++i)
      b[i] = static_cast<float>(rng.Uniform(-bound, bound));
  }
}

void FastMlp::CopyParamsFrom(const FastMlp& other) {
  RLAB_CHECK(other.widths_ == widths_, "cannot copy parameters between MLPs of different shapes");
  std::memcpy(param_data_, other.param_data_, sizeof(float) * num_params());
}

void FastMlp::SoftUpdateFrom(const FastMlp& online, double tau) {
  RLAB_CHECK(online.widths_ == widths_, "cannot average MLPs of different shapes");
  const float t = static_cast<float>(tau), keep = static_cast<float>(1.0 - tau);
  const float* src = online.param_data_;
  for (int64_t i = 0; i < num_params(); ++i) param_data_[i] = t * src[i] + keep * param_data_[i];
}

void FastMlp::ZeroGrad() { std::fill_n(grad_data_, num_params(), 0.0f); }

const float* FastMlp::Forward(const float* x, int64_t batch, MlpTape& tape) const {
  RLAB_CHECK(batch >= 1, "MLP forward needs a batch of at least 1, got {}", batch);
  const int64_t layers = num_layers();
  tape.batch = batch;
  tape.layers.resize(layers + 1);
  tape.layers[0].assign(x, x + batch * widths_[0]);
  for (int64_t l = 0; l < layers; ++l) {
    const int64_t in = widths_[l], out = widths_[l + 1];
    std::vector<float>& y = tape.layers[l + 1];
    y.resize(batch * out);
    const float* b = bias(l);
    if (batch <= kSmallBatch) {
      SmallBatchLinear(tape.layers[l].data(), batch, in, weight(l), b, out, y.data());
    } else {
      for (int64_t i = 0; i < batch; ++i) std::memcpy(y.data() + i * out, b, sizeof(float) * out);
      // y [B, out] += h [B, in] W^T
      Gemm(false, true, batch, out, in, 1.0f, tape.layers[l].data(), in, weight(l), in, 1.0f,
           y.data(), out);
    }
    if (l + 1 < layers) {
      if (activation_ == Activation::kTanh) {
        TanhInPlace(y.data(), static_cast<int64_t>(y.size()));
      } else {
        for (float& v : y) v = v > 0.0f ? v : 0.0f;
      }
    }
  }
  return tape.layers[layers].data();
}

void FastMlp::Backward(MlpTape& tape, const float* grad_out, float* grad_input,
                       bool accumulate_param_grads) {
  const int64_t layers = num_layers(), batch = tape.batch;
  RLAB_CHECK(static_cast<int64_t>(tape.layers.size()) == layers + 1 && batch >= 1,
             "MLP backward needs the tape of a forward pass through the same network");
  std::vector<float>* g = &tape.grad_a;     // dL/d(output of layer l), [B, d_{l+1}]
  std::vector<float>* g_in = &tape.grad_b;  // dL/d(input of layer l), [B, d_l]
  g->assign(grad_out, grad_out + batch * widths_.back());
  for (int64_t l = layers - 1; l >= 0; --l) {
    const int64_t in = widths_[l], out = widths_[l + 1];
    const float* h = tape.layers[l].data();  // [B, in]
    if (accumulate_param_grads) {
      // dW [out, in] += g^T [out, B] h [B, in]; db [out] += column sums of g
      float* dw = grad_data_ + offsets_[l];
      Gemm(true, false, out, in, batch, 1.0f, g->data(), out, h, in, 1.0f, dw, in);
      float* db = dw + out * in;
      for (int64_t i = 0; i < batch; ++i) {
        const float* gi = g->data() + i * out;
        for (int64_t j = 0; j < out; ++j) db[j] += gi[j];
      }
    }
    if (l == 0 && grad_input == nullptr) break;
    // dL/dh [B, in] = g [B, out] W [out, in]
    float* dst = l == 0 ? grad_input : (g_in->resize(batch * in), g_in->data());
    Gemm(false, false, batch, in, out, 1.0f, g->data(), out, weight(l), in, 0.0f, dst, in);
    if (l == 0) break;
    // Through the activation that produced h (layer l - 1's output).
    if (activation_ == Activation::kTanh) {
      for (int64_t i = 0; i < batch * in; ++i) dst[i] *= 1.0f - h[i] * h[i];
    } else {
      for (int64_t i = 0; i < batch * in; ++i) dst[i] = h[i] > 0.0f ? dst[i] : 0.0f;
    }
    std::swap(g, g_in);
  }
}

}  // namespace rlab::models
