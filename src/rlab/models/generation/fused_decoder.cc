#include "rlab/models/generation/fused_decoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/models/kernels/blas.h"

namespace rlab::models {

namespace {

const float* Data(const torch::Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

bool Usable(const torch::Tensor& t) {
  return !t.defined() ||
         (t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous());
}

float GeluTanh(float x) {
  // GPT-2's "gelu_new": 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
  const float k = std::sqrt(2.0f / std::numbers::pi_v<float>);
  return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

float Silu(float x) { return x / (1.0f + std::exp(-x)); }

}  // namespace

bool FusedDecoder::Supports(const Transformer& model) {
  for (const auto& p : model->parameters()) {
    if (!Usable(p)) return false;
  }
  return true;
}

FusedDecoder::FusedDecoder(const Transformer& model, int64_t batch, int64_t max_length)
    : c_(model->config()),
      batch_(batch),
      max_length_(max_length),
      kv_width_(model->config().num_kv_heads * model->config().head_dim()),
      gpt2_(model->config().arch == TransformerArch::kGpt2) {
  RLAB_CHECK(Supports(model), "fused decoder: the model's parameters must be contiguous "
                              "float32 tensors on the CPU");
  RLAB_CHECK(batch >= 1 && max_length >= 1, "fused decoder: batch and max_length must be >= 1");
  RLAB_CHECK(!gpt2_ || max_length <= c_.max_positions,
             "fused decoder: {} positions exceed GPT-2's position table of {}", max_length,
             c_.max_positions);
  embed_ = Data(model->embed->weight);
  if (gpt2_) positions_ = Data(model->positions->weight);
  final_w_ = Data(model->final_norm->weight);
  final_b_ = Data(model->final_norm->bias);
  head_ = c_.tie_word_embeddings ? embed_ : Data(model->lm_head->weight);
  if (!gpt2_) {
    const int64_t half = c_.head_dim() / 2;
    // theta^(-2i / Dh) in float32, as the libtorch model computes it.
    const torch::Tensor f =
        1.0 /
        torch::pow(c_.rope_theta, torch::arange(0, 2 * half, 2, torch::kInt64).to(torch::kFloat32) /
                                      double(c_.head_dim()));
    inv_freq_.assign(f.data_ptr<float>(), f.data_ptr<float>() + half);
  }
  for (int64_t i = 0; i < c_.num_layers; ++i) {
    const auto b = model->layers->ptr(i)->as<TransformerBlock>();
    Layer l{};
    l.norm1_w = Data(b->ln_1->weight);
    l.norm1_b = Data(b->ln_1->bias);
    l.norm2_w = Data(b->ln_2->weight);
    l.norm2_b = Data(b->ln_2->bias);
    if (gpt2_) {
      l.qkv_w = Data(b->c_attn->weight);
      l.qkv_b = Data(b->c_attn->bias);
      l.o_w = Data(b->attn_c_proj->weight);
      l.o_b = Data(b->attn_c_proj->bias);
      l.fc_w = Data(b->c_fc->weight);
      l.fc_b = Data(b->c_fc->bias);
      l.proj_w = Data(b->mlp_c_proj->weight);
      l.proj_b = Data(b->mlp_c_proj->bias);
    } else {
      l.q_w = Data(b->q_proj->weight);
      l.k_w = Data(b->k_proj->weight);
      l.v_w = Data(b->v_proj->weight);
      l.o_w = Data(b->o_proj->weight);
      l.gate_w = Data(b->gate_proj->weight);
      l.up_w = Data(b->up_proj->weight);
      l.down_w = Data(b->down_proj->weight);
    }
    layers_.push_back(l);
  }
  const int64_t d = c_.hidden_size;
  keys_.assign(c_.num_layers * batch_ * kv_width_ * max_length_, 0.0f);
  values_.assign(keys_.size(), 0.0f);
  valid_.assign(batch_ * max_length_, 0);
  real_count_.assign(batch_, 0);
  x_.resize(batch_ * d);
  h_.resize(batch_ * d);
  qkv_.resize(gpt2_ ? batch_ * 3 * d : 0);
  q_.resize(batch_ * d);
  k_.resize(batch_ * kv_width_);
  v_.resize(batch_ * kv_width_);
  att_.resize(batch_ * d);
  up_.resize(batch_ * c_.intermediate_size);
  gate_.resize(batch_ * c_.intermediate_size);
  scores_.resize(max_length_);
}

void FusedDecoder::LoadPrefill(const KvCache& cache, const torch::Tensor& prompt_mask) {
  const int64_t P = cache.Length();
  RLAB_CHECK(
      P >= 1 && P <= max_length_ && prompt_mask.size(0) == batch_ && prompt_mask.size(1) == P,
      "fused decoder: prefill of {} positions and mask {} do not fit batch {} and "
      "length {}",
      P, prompt_mask.sizes(), batch_, max_length_);
  const int64_t Dh = c_.head_dim(), Hkv = c_.num_kv_heads;
  for (int64_t l = 0; l < c_.num_layers; ++l) {
    const torch::Tensor k = cache.keys[l].to(torch::kFloat32).contiguous();    // [B, Hkv, P, Dh]
    const torch::Tensor v = cache.values[l].to(torch::kFloat32).contiguous();  // [B, Hkv, P, Dh]
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t h = 0; h < Hkv; ++h) {
        const int64_t src = ((b * Hkv + h) * P) * Dh;
        const int64_t dst = (((l * batch_ + b) * Hkv + h) * max_length_) * Dh;
        std::memcpy(&keys_[dst], k.data_ptr<float>() + src, P * Dh * sizeof(float));
        std::memcpy(&values_[dst], v.data_ptr<float>() + src, P * Dh * sizeof(float));
      }
    }
  }
  const torch::Tensor mask = prompt_mask.to(torch::kInt64).contiguous();
  const int64_t* m = mask.data_ptr<int64_t>();
  for (int64_t b = 0; b < batch_; ++b) {
    real_count_[b] = 0;
    for (int64_t s = 0; s < P; ++s) {
      valid_[b * max_length_ + s] = m[b * P + s] != 0;
      real_count_[b] += m[b * P + s] != 0;
    }
  }
  length_ = P;
}

void FusedDecoder::Linear(const float* x, const float* w, const float* b, int64_t in, int64_t out,
                          float* y, bool accumulate) {
  // y [B, out] = x [B, in] W^T + b, or y += x W^T + b when accumulating (a residual branch).
  if (b != nullptr) {
    for (int64_t r = 0; r < batch_; ++r) {
      float* row = y + r * out;
      if (accumulate) {
        for (int64_t i = 0; i < out; ++i) row[i] += b[i];
      } else {
        std::memcpy(row, b, out * sizeof(float));
      }
    }
  }
  const float beta = (accumulate || b != nullptr) ? 1.0f : 0.0f;
  if (batch_ == 1) {
    Gemv(out, in, 1.0f, w, in, x, beta, y);
  } else {
    Gemm(false, true, batch_, out, in, 1.0f, x, in, w, in, beta, y, out);
  }
}

void FusedDecoder::Norm(const float* x, const float* w, const float* b, float* y) const {
  const int64_t d = c_.hidden_size;
  for (int64_t r = 0; r < batch_; ++r) {
    const float* xr = x + r * d;
    float* yr = y + r * d;
    if (gpt2_) {
      // LayerNorm: (x - mean) / sqrt(var + eps) * w + b, biased variance.
      double mean = 0.0;
      for (int64_t i = 0; i < d; ++i) mean += xr[i];
      mean /= d;
      double var = 0.0;
      for (int64_t i = 0; i < d; ++i) var += (xr[i] - mean) * (xr[i] - mean);
      const float inv = static_cast<float>(1.0 / std::sqrt(var / d + c_.norm_eps));
      for (int64_t i = 0; i < d; ++i)
        yr[i] = (xr[i] - static_cast<float>(mean)) * inv * w[i] + b[i];
    } else {
      // RMSNorm: x / sqrt(mean(x^2) + eps) * w.
      double ss = 0.0;
      for (int64_t i = 0; i < d; ++i) ss += static_cast<double>(xr[i]) * xr[i];
      const float inv = static_cast<float>(1.0 / std::sqrt(ss / d + c_.norm_eps));
      for (int64_t i = 0; i < d; ++i) yr[i] = xr[i] * inv * w[i];
    }
  }
}

void FusedDecoder::Rotate(float* x, int64_t heads, int64_t position) const {
  // RoFormer's rotation in Hugging Face's rotate_half layout (see transformer.cc).
  const int64_t Dh = c_.head_dim(), half = Dh / 2;
  for (int64_t i = 0; i < half; ++i) {
    const float angle = static_cast<float>(position) * inv_freq_[i];
    const float cs = std::cos(angle), sn = std::sin(angle);
    for (int64_t h = 0; h < heads; ++h) {
      float* head = x + h * Dh;
      const float x1 = head[i], x2 = head[i + half];
      head[i] = x1 * cs - x2 * sn;
      head[i + half] = x2 * cs + x1 * sn;
    }
  }
}

void FusedDecoder::Attend(int64_t layer) {
  // Scaled dot-product attention of each row's new query over its valid keys (Vaswani et al.
  // 2017, arXiv:1706.03762); query head h reads key/value head h / (H / Hkv).
  const int64_t H = c_.num_heads, Hkv = c_.num_kv_heads, Dh = c_.head_dim();
  const int64_t group = H / Hkv, S = length_;
  const float scale = 1.0f / std::sqrt(static_cast<float>(Dh));
  for (int64_t b = 0; b < batch_; ++b) {
    const uint8_t* valid = &valid_[b * max_length_];
    for (int64_t h = 0; h < H; ++h) {
      const float* q = &q_[(b * H + h) * Dh];
      const int64_t base = (((layer * batch_ + b) * Hkv + h / group) * max_length_) * Dh;
      const float* keys = &keys_[base];
      const float* values = &values_[base];
      float top = -INFINITY;
      for (int64_t s = 0; s < S; ++s) {
        if (!valid[s]) continue;
        float dot = 0.0f;
        for (int64_t i = 0; i < Dh; ++i) dot += q[i] * keys[s * Dh + i];
        scores_[s] = dot * scale;
        top = std::max(top, scores_[s]);
      }
      float* out = &att_[(b * H + h) * Dh];
      std::fill(out, out + Dh, 0.0f);
      if (top == -INFINITY) continue;  // a stopped row with nothing to read: output unused
      float total = 0.0f;
      for (int64_t s = 0; s < S; ++s) {
        if (!valid[s]) continue;
        scores_[s] = std::exp(scores_[s] - top);
        total += scores_[s];
      }
      for (int64_t s = 0; s < S; ++s) {
        if (!valid[s]) continue;
        const float w = scores_[s] / total;
        for (int64_t i = 0; i < Dh; ++i) out[i] += w * values[s * Dh + i];
      }
    }
  }
}

void FusedDecoder::Step(std::span<const int64_t> ids, std::span<const uint8_t> real,
                        float* logits) {
  RLAB_CHECK(
      static_cast<int64_t>(ids.size()) == batch_ && static_cast<int64_t>(real.size()) == batch_,
      "fused decoder: expected {} ids, got {}", batch_, ids.size());
  RLAB_CHECK(length_ < max_length_, "fused decoder: all {} positions are used", max_length_);
  const int64_t d = c_.hidden_size, H = c_.num_heads, Hkv = c_.num_kv_heads, Dh = c_.head_dim();
  const int64_t slot = length_++;
  std::vector<int64_t> position(batch_);
  for (int64_t b = 0; b < batch_; ++b) {
    RLAB_CHECK(ids[b] >= 0 && ids[b] < c_.vocab_size,
               "fused decoder: token id {} is outside "
               "the vocabulary of {}",
               ids[b], c_.vocab_size);
    // As in the libtorch model: position ids count real tokens (a padding token repeats the
    // last position; nothing attends to it).
    position[b] = std::max<int64_t>(real_count_[b] + real[b] - 1, 0);
    real_count_[b] += real[b];
    valid_[b * max_length_ + slot] = real[b];
    std::memcpy(&x_[b * d], embed_ + ids[b] * d, d * sizeof(float));
    if (gpt2_) {
      const float* p = positions_ + position[b] * d;
      for (int64_t i = 0; i < d; ++i) x_[b * d + i] += p[i];
    }
  }
  for (int64_t l = 0; l < c_.num_layers; ++l) {
    const Layer& w = layers_[l];
    Norm(x_.data(), w.norm1_w, w.norm1_b, h_.data());
    if (gpt2_) {
      // The fused projection writes [q | k | v] per row; split it.
      std::vector<float>& qkv = qkv_;
      Linear(h_.data(), w.qkv_w, w.qkv_b, d, 3 * d, qkv.data());
      for (int64_t b = 0; b < batch_; ++b) {
        std::memcpy(&q_[b * d], &qkv[b * 3 * d], d * sizeof(float));
        std::memcpy(&k_[b * d], &qkv[b * 3 * d + d], d * sizeof(float));
        std::memcpy(&v_[b * d], &qkv[b * 3 * d + 2 * d], d * sizeof(float));
      }
    } else {
      Linear(h_.data(), w.q_w, nullptr, d, d, q_.data());
      Linear(h_.data(), w.k_w, nullptr, d, kv_width_, k_.data());
      Linear(h_.data(), w.v_w, nullptr, d, kv_width_, v_.data());
      for (int64_t b = 0; b < batch_; ++b) {
        Rotate(&q_[b * d], H, position[b]);
        Rotate(&k_[b * kv_width_], Hkv, position[b]);
      }
    }
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t h = 0; h < Hkv; ++h) {
        const int64_t dst = ((((l * batch_ + b) * Hkv + h) * max_length_) + slot) * Dh;
        std::memcpy(&keys_[dst], &k_[b * kv_width_ + h * Dh], Dh * sizeof(float));
        std::memcpy(&values_[dst], &v_[b * kv_width_ + h * Dh], Dh * sizeof(float));
      }
    }
    Attend(l);
    // x += att W_o^T (+ b): the residual is accumulated by the product itself.
    Linear(att_.data(), w.o_w, w.o_b, d, d, x_.data(), /*accumulate=*/true);
    Norm(x_.data(), w.norm2_w, w.norm2_b, h_.data());
    const int64_t ffn = c_.intermediate_size;
    const float* down_w;
    const float* down_b = nullptr;
    if (gpt2_) {
      Linear(h_.data(), w.fc_w, w.fc_b, d, ffn, up_.data());
      for (int64_t i = 0; i < batch_ * ffn; ++i) up_[i] = GeluTanh(up_[i]);
      down_w = w.proj_w;
      down_b = w.proj_b;
    } else {
      // SwiGLU (Shazeer 2020, arXiv:2002.05202): silu(gate) * up.
      Linear(h_.data(), w.gate_w, nullptr, d, ffn, gate_.data());
      Linear(h_.data(), w.up_w, nullptr, d, ffn, up_.data());
      for (int64_t i = 0; i < batch_ * ffn; ++i) up_[i] *= Silu(gate_[i]);
      down_w = w.down_w;
    }
    Linear(up_.data(), down_w, down_b, ffn, d, x_.data(), /*accumulate=*/true);
  }
  Norm(x_.data(), final_w_, final_b_, h_.data());
  Linear(h_.data(), head_, nullptr, d, c_.vocab_size, logits);
}

}  // namespace rlab::models
