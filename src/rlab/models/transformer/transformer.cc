#include "rlab/models/transformer/transformer.h"

#include <torch/torch.h>

#include <cmath>

#include "rlab/core/check.h"
#include "rlab/core/shape_format.h"
#include "rlab/models/transformer/causal_attention.h"
#include "rlab/models/transformer/fused_activations.h"

namespace rlab::models {
namespace {

bool IsGpt2(const TransformerConfig& c) { return c.arch == TransformerArch::kGpt2; }

torch::nn::Linear MakeLinear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// layer(x) (+ residual) for x [..., in] as one addmm over the flattened tokens. libtorch 1.13
// runs a 3-D input as a matrix product (which first zeroes its output) followed by the bias
// add, and the residual add is a third pass; here the output starts as bias + residual and
// the product accumulates into it.
torch::Tensor LinearOverTokens(const torch::nn::Linear& layer, const torch::Tensor& x,
                               const torch::Tensor& residual = {}) {
  const torch::Tensor& w = layer->weight;
  const torch::Tensor x2 = x.reshape({-1, x.size(-1)});
  torch::Tensor start;
  if (residual.defined()) {
    start = residual.reshape({-1, w.size(0)});
    if (layer->bias.defined()) start = start + layer->bias;
  } else {
    start = layer->bias;
  }
  std::vector<int64_t> size = x.sizes().vec();
  size.back() = w.size(0);
  const torch::Tensor y = start.defined() ? torch::addmm(start, x2, w.t()) : x2.mm(w.t());
  return y.view(size);
}

// RoFormer's rotation in Hugging Face's layout: the head is split into halves (x1, x2) and
// pair i is (x1[i], x2[i]), so rotate_half(x) = (-x2, x1). x [B, H, T, Dh].
torch::Tensor RotateHalf(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
}

torch::Tensor ApplyRotary(const torch::Tensor& x, const torch::Tensor& cos,
                          const torch::Tensor& sin) {
  return x * cos + RotateHalf(x) * sin;  // [B, H, T, Dh]
}

}  // namespace

int64_t KvCache::Length() const {
  return keys.empty() || !keys.front().defined() ? 0 : keys.front().size(2);
}

void KvCache::Clear() {
  keys.clear();
  values.clear();
}

TransformerNormImpl::TransformerNormImpl(int64_t width, double eps, bool rms)
    : eps_(eps), rms_(rms) {
  weight = register_parameter("weight", torch::ones({width}));
  if (!rms) bias = register_parameter("bias", torch::zeros({width}));
}

torch::Tensor TransformerNormImpl::forward(const torch::Tensor& x) {
  if (rms_) {
    // RMSNorm (Zhang & Sennrich 2019, arXiv:1910.07467): x / sqrt(mean(x^2) + eps) * g.
    const torch::Tensor inv_rms = torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + eps_);
    return x * inv_rms * weight;
  }
  return torch::layer_norm(x, {x.size(-1)}, weight, bias, eps_);
}

TransformerBlockImpl::TransformerBlockImpl(const TransformerConfig& config) : config_(config) {
  const int64_t d = config.hidden_size;
  const int64_t kv = config.num_kv_heads * config.head_dim();
  const int64_t ffn = config.intermediate_size;
  const bool rms = !IsGpt2(config);
  ln_1 = register_module("ln_1", TransformerNorm(d, config.norm_eps, rms));
  ln_2 = register_module("ln_2", TransformerNorm(d, config.norm_eps, rms));
  if (IsGpt2(config)) {
    c_attn = register_module("c_attn", MakeLinear(d, 3 * d, true));
    attn_c_proj = register_module("attn_c_proj", MakeLinear(d, d, true));
    c_fc = register_module("c_fc", MakeLinear(d, ffn, true));
    mlp_c_proj = register_module("mlp_c_proj", MakeLinear(ffn, d, true));
  } else {
    q_proj = register_module("q_proj", MakeLinear(d, d, false));
    k_proj = register_module("k_proj", MakeLinear(d, kv, false));
    v_proj = register_module("v_proj", MakeLinear(d, kv, false));
    o_proj = register_module("o_proj", MakeLinear(d, d, false));
    gate_proj = register_module("gate_proj", MakeLinear(d, ffn, false));
    up_proj = register_module("up_proj", MakeLinear(d, ffn, false));
    down_proj = register_module("down_proj", MakeLinear(ffn, d, false));
  }
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& allowed,
                                            const torch::Tensor& cos, const torch::Tensor& sin,
                                            torch::Tensor* past_k, torch::Tensor* past_v) {
  // Pre-norm residual blocks, as in both GPT-2 and Llama; each output projection adds its
  // block's input.
  const torch::Tensor h = Attention(ln_1(x), x, allowed, cos, sin, past_k, past_v);  // [B, T, d]
  return Mlp(ln_2(h), h);
}

torch::Tensor TransformerBlockImpl::Attention(const torch::Tensor& x, const torch::Tensor& residual,
                                              const torch::Tensor& allowed,
                                              const torch::Tensor& cos, const torch::Tensor& sin,
                                              torch::Tensor* past_k, torch::Tensor* past_v) {
  const int64_t B = x.size(0), T = x.size(1);
  const int64_t H = config_.num_heads, Hkv = config_.num_kv_heads, Dh = config_.head_dim();
  torch::Tensor q, k, v;
  if (IsGpt2(config_)) {
    const std::vector<torch::Tensor> qkv =
        LinearOverTokens(c_attn, x).chunk(3, -1);    // 3 x [B, T, d]
    q = qkv[0].view({B, T, H, Dh}).transpose(1, 2);  // [B, H, T, Dh]
    k = qkv[1].view({B, T, H, Dh}).transpose(1, 2);  // [B, H, T, Dh]
    v = qkv[2].view({B, T, H, Dh}).transpose(1, 2);  // [B, H, T, Dh]
  } else {
    q = LinearOverTokens(q_proj, x).view({B, T, H, Dh}).transpose(1, 2);    // [B, H, T, Dh]
    k = LinearOverTokens(k_proj, x).view({B, T, Hkv, Dh}).transpose(1, 2);  // [B, Hkv, T, Dh]
    v = LinearOverTokens(v_proj, x).view({B, T, Hkv, Dh}).transpose(1, 2);  // [B, Hkv, T, Dh]
    q = ApplyRotary(q, cos, sin);
    k = ApplyRotary(k, cos, sin);
  }
  if (past_k != nullptr) {
    if (past_k->defined()) {
      k = torch::cat({*past_k, k}, 2);  // [B, Hkv, S, Dh]
      v = torch::cat({*past_v, v}, 2);  // [B, Hkv, S, Dh]
    }
    *past_k = k;
    *past_v = v;
  }
  const int64_t S = k.size(2);
  if (Hkv != H) {
    // Grouped-query attention (Ainslie et al. 2023, arXiv:2305.13245): query head h reads
    // key/value head h / (H / Hkv), Hugging Face's repeat_kv order.
    const int64_t group = H / Hkv;
    k = k.unsqueeze(2).expand({B, Hkv, group, S, Dh}).reshape({B, H, S, Dh});
    v = v.unsqueeze(2).expand({B, Hkv, group, S, Dh}).reshape({B, H, S, Dh});
  }
  // Scaled dot-product attention (Vaswani et al. 2017, arXiv:1706.03762).
  const double scale = 1.0 / std::sqrt(double(Dh));
  const torch::Tensor attended = allowed.defined()
                                     ? MaskedAttention(q, k, v, allowed, scale)
                                     : CausalAttention(q, k, v, scale);  // [B, H, T, Dh]
  const torch::Tensor out = attended.transpose(1, 2).reshape({B, T, H * Dh});
  return LinearOverTokens(IsGpt2(config_) ? attn_c_proj : o_proj, out, residual);  // [B, T, d]
}

torch::Tensor TransformerBlockImpl::Mlp(const torch::Tensor& x, const torch::Tensor& residual) {
  if (IsGpt2(config_)) {
    // GPT-2's GELU is the tanh approximation ("gelu_new").
    return LinearOverTokens(mlp_c_proj, GeluTanh(LinearOverTokens(c_fc, x)), residual);
  }
  // SwiGLU (Shazeer 2020, arXiv:2002.05202): down(silu(gate(x)) * up(x)).
  const torch::Tensor gated =
      torch::silu(LinearOverTokens(gate_proj, x)) * LinearOverTokens(up_proj, x);
  return LinearOverTokens(down_proj, gated, residual);  // [B, T, d]
}

TransformerImpl::TransformerImpl(const TransformerConfig& config) : config_(config) {
  config.Validate();
  const int64_t d = config.hidden_size;
  embed = register_module("embed", torch::nn::Embedding(config.vocab_size, d));
  if (IsGpt2(config)) {
    positions = register_module("positions", torch::nn::Embedding(config.max_positions, d));
  } else {
    const int64_t Dh = config.head_dim();
    // theta^(-2i / Dh) for i < Dh / 2, computed in float32 as Hugging Face does.
    inv_freq_ = register_buffer(
        "inv_freq",
        1.0 / torch::pow(config.rope_theta,
                         torch::arange(0, Dh, 2, torch::kInt64).to(torch::kFloat32) / double(Dh)));
  }
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.num_layers; ++i) layers->push_back(TransformerBlock(config));
  final_norm = register_module("final_norm", TransformerNorm(d, config.norm_eps, !IsGpt2(config)));
  if (!config.tie_word_embeddings) {
    lm_head = register_module("lm_head", MakeLinear(d, config.vocab_size, false));
  }
  torch::NoGradGuard no_grad;
  for (auto& item : named_parameters()) {
    const std::string& name = item.key();
    if (name.find("ln_") != std::string::npos || name.find("norm") != std::string::npos) continue;
    if (name.ends_with("bias")) {
      item.value().zero_();
    } else {
      item.value().normal_(0.0, 0.02);
    }
  }
}

torch::Tensor TransformerImpl::forward(const torch::Tensor& input_ids,
                                       const torch::Tensor& attention_mask, KvCache* cache) {
  return Logits(Hidden(input_ids, attention_mask, cache));
}

torch::Tensor TransformerImpl::Logits(const torch::Tensor& hidden) {
  if (config_.tie_word_embeddings) return torch::matmul(hidden, embed->weight.t());  // [..., V]
  return lm_head(hidden);                                                            // [..., V]
}

torch::Tensor TransformerImpl::Hidden(const torch::Tensor& input_ids,
                                      const torch::Tensor& attention_mask, KvCache* cache) {
  RLAB_CHECK(input_ids.dim() == 2 && input_ids.scalar_type() == torch::kInt64,
             "transformer: input_ids must be an int64 [B, T] tensor, got {} of {}",
             input_ids.sizes(), c10::toString(input_ids.scalar_type()));
  const int64_t B = input_ids.size(0), T = input_ids.size(1);
  const int64_t L = config_.num_layers;
  const int64_t past = cache != nullptr ? cache->Length() : 0;
  const int64_t S = past + T;
  if (cache != nullptr) {
    if (past == 0) {
      cache->keys.assign(L, torch::Tensor());
      cache->values.assign(L, torch::Tensor());
    }
    RLAB_CHECK(static_cast<int64_t>(cache->keys.size()) == L &&
                   static_cast<int64_t>(cache->values.size()) == L,
               "transformer: the KV cache holds {} layers but the model has {}; use a fresh "
               "cache per model",
               cache->keys.size(), L);
    RLAB_CHECK(past == 0 || cache->keys.front().size(0) == B,
               "transformer: the KV cache holds batch {} but input_ids has batch {}",
               cache->keys.front().size(0), B);
  }
  const auto device = input_ids.device();
  torch::Tensor mask;  // [B, S] bool
  if (attention_mask.defined()) {
    RLAB_CHECK(
        attention_mask.dim() == 2 && attention_mask.size(0) == B && attention_mask.size(1) == S,
        "transformer: attention_mask must be [B, cache length + T] = [{}, {}], got {}", B, S,
        attention_mask.sizes());
    mask = attention_mask.to(torch::kBool);
  } else {
    mask = torch::ones({B, S}, torch::TensorOptions().dtype(torch::kBool).device(device));
  }
  // Position ids count real tokens, so left padding does not shift them.
  torch::Tensor pos;  // [B, T] int64
  if (attention_mask.defined()) {
    pos = (mask.to(torch::kInt64).cumsum(1) - 1).clamp_min(0).slice(1, past);
  } else {
    pos = torch::arange(past, S, torch::TensorOptions().dtype(torch::kInt64).device(device))
              .unsqueeze(0)
              .expand({B, T});
  }
  // allowed[b, 0, t, s]: key s is not in the future of query t and is a real token. Left
  // undefined when the causal pattern alone gives every real token the same attention: whole
  // sequences without a cache before them, and right-padded batches (every training batch of
  // SFT, reward models and DPO), where a real query never reaches the padding after it and
  // the padding's own outputs are never read. The blocks then attend causally without a mask
  // tensor (causal_attention.h).
  const bool left_or_inner_padding =
      attention_mask.defined() && S > 1 &&
      (mask.slice(1, 1) & mask.slice(1, 0, S - 1).logical_not()).any().item<bool>();
  torch::Tensor allowed;
  if (past > 0 || left_or_inner_padding) {
    const auto index = torch::TensorOptions().dtype(torch::kInt64).device(device);
    const torch::Tensor causal = torch::arange(S, index).unsqueeze(0) <=
                                 torch::arange(past, S, index).unsqueeze(1);  // [T, S]
    // Without padding the causal pattern alone, broadcast over the batch: [1, 1, T, S].
    allowed = attention_mask.defined()
                  ? causal.unsqueeze(0).unsqueeze(0) & mask.unsqueeze(1).unsqueeze(1)  // [B,1,T,S]
                  : causal.unsqueeze(0).unsqueeze(0);
  }

  torch::Tensor h = embed(input_ids);  // [B, T, d]
  torch::Tensor cos, sin;
  if (IsGpt2(config_)) {
    RLAB_CHECK(S <= config_.max_positions,
               "transformer: {} positions exceed GPT-2's position table of {}", S,
               config_.max_positions);
    // Without padding every row has the same positions: add the table's rows once, broadcast
    // over the batch (its gradient is then a sum over the batch, not a scatter of B T rows).
    h = attention_mask.defined() ? h + positions(pos)
                                 : h + positions->weight.slice(0, past, S).unsqueeze(0);
  } else {
    const torch::Tensor freqs = pos.to(torch::kFloat32).unsqueeze(-1) * inv_freq_;  // [B, T, Dh/2]
    const torch::Tensor angles = torch::cat({freqs, freqs}, -1).unsqueeze(1);       // [B, 1, T, Dh]
    cos = angles.cos().to(h.scalar_type());
    sin = angles.sin().to(h.scalar_type());
  }
  for (int64_t i = 0; i < L; ++i) {
    torch::Tensor* past_k = cache != nullptr ? &cache->keys[i] : nullptr;
    torch::Tensor* past_v = cache != nullptr ? &cache->values[i] : nullptr;
    h = layers->ptr(i)->as<TransformerBlock>()->forward(h, allowed, cos, sin, past_k, past_v);
  }
  return final_norm(h);  // [B, T, d]
}

bool TransformerImpl::IsConv1dWeight(const std::string& hf_name) {
  if (!hf_name.ends_with(".weight")) return false;
  return hf_name.find(".c_attn.") != std::string::npos ||
         hf_name.find(".c_proj.") != std::string::npos ||
         hf_name.find(".c_fc.") != std::string::npos;
}

std::map<std::string, torch::Tensor> TransformerImpl::HfParameters() const {
  std::map<std::string, torch::Tensor> out;
  const auto add_linear = [&](const std::string& name, const torch::nn::Linear& linear) {
    out[name + ".weight"] = linear->weight;
    if (linear->bias.defined()) out[name + ".bias"] = linear->bias;
  };
  const auto add_norm = [&](const std::string& name, const TransformerNorm& norm) {
    out[name + ".weight"] = norm->weight;
    if (norm->bias.defined()) out[name + ".bias"] = norm->bias;
  };
  if (IsGpt2(config_)) {
    out["wte.weight"] = embed->weight;
    out["wpe.weight"] = positions->weight;
    for (int64_t i = 0; i < config_.num_layers; ++i) {
      const auto block = layers->ptr(i)->as<TransformerBlock>();
      const std::string p = "h." + std::to_string(i) + ".";
      add_norm(p + "ln_1", block->ln_1);
      add_linear(p + "attn.c_attn", block->c_attn);
      add_linear(p + "attn.c_proj", block->attn_c_proj);
      add_norm(p + "ln_2", block->ln_2);
      add_linear(p + "mlp.c_fc", block->c_fc);
      add_linear(p + "mlp.c_proj", block->mlp_c_proj);
    }
    add_norm("ln_f", final_norm);
  } else {
    out["model.embed_tokens.weight"] = embed->weight;
    for (int64_t i = 0; i < config_.num_layers; ++i) {
      const auto block = layers->ptr(i)->as<TransformerBlock>();
      const std::string p = "model.layers." + std::to_string(i) + ".";
      add_norm(p + "input_layernorm", block->ln_1);
      add_linear(p + "self_attn.q_proj", block->q_proj);
      add_linear(p + "self_attn.k_proj", block->k_proj);
      add_linear(p + "self_attn.v_proj", block->v_proj);
      add_linear(p + "self_attn.o_proj", block->o_proj);
      add_norm(p + "post_attention_layernorm", block->ln_2);
      add_linear(p + "mlp.gate_proj", block->gate_proj);
      add_linear(p + "mlp.up_proj", block->up_proj);
      add_linear(p + "mlp.down_proj", block->down_proj);
    }
    add_norm("model.norm", final_norm);
    if (!config_.tie_word_embeddings) out["lm_head.weight"] = lm_head->weight;
  }
  return out;
}

}  // namespace rlab::models
