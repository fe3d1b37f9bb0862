// A decoder-only transformer (Vaswani et al. 2017, "Attention Is All You Need",
// arXiv:1706.03762) in two Hugging Face families:
//  - GPT-2 (Radford et al. 2019): learned position table, pre-LayerNorm blocks, fused QKV
//    projection, GELU (tanh approximation) MLP, output layer tied to the token embedding.
//  - Llama (Touvron et al. 2023, arXiv:2302.13971): RMSNorm (Zhang & Sennrich 2019,
//    arXiv:1910.07467), rotary position embeddings (Su et al. 2021, RoFormer,
//    arXiv:2104.09864) in Hugging Face's rotate_half layout, SwiGLU MLP (Shazeer 2020, "GLU
//    Variants Improve Transformer", arXiv:2002.05202), grouped-query attention (Ainslie et al.
//    2023, arXiv:2305.13245), optionally tied output layer.
// Attention is written out (libtorch 1.13 has no scaled_dot_product_attention).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <string>
#include <vector>

#include "rlab/models/transformer/config.h"

namespace rlab::models {

// Keys and values of every position seen so far, per layer; Forward appends to it.
struct KvCache {
  std::vector<torch::Tensor> keys;    // per layer [B, Hkv, S, Dh]
  std::vector<torch::Tensor> values;  // per layer [B, Hkv, S, Dh]
  int64_t Length() const;             // S, 0 when empty
  void Clear();
};

// LayerNorm with bias (GPT-2) or RMSNorm without (Llama).
class TransformerNormImpl : public torch::nn::Module {
 public:
  TransformerNormImpl(int64_t width, double eps, bool rms);
  torch::Tensor forward(const torch::Tensor& x);  // [..., d] -> [..., d]

  torch::Tensor weight;  // [d]
  torch::Tensor bias;    // [d]; undefined for RMSNorm

 private:
  double eps_;
  bool rms_;
};
TORCH_MODULE(TransformerNorm);

class TransformerBlockImpl : public torch::nn::Module {
 public:
  explicit TransformerBlockImpl(const TransformerConfig& config);
  // x [B, T, d]; allowed [B or 1, 1, T, S] (true where query t may attend to key s, S = past + T),
  // or undefined for causal attention alone (no cache before it, no padding before a real token);
  // cos/sin [B, 1, T, Dh] for rotary embeddings (undefined for GPT-2). Appends this layer's
  // keys and values to *past_k / *past_v when they are given.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& allowed,
                        const torch::Tensor& cos, const torch::Tensor& sin, torch::Tensor* past_k,
                        torch::Tensor* past_v);

  // GPT-2 names (c_attn holds Q, K and V stacked along the output dimension).
  TransformerNorm ln_1{nullptr}, ln_2{nullptr};
  torch::nn::Linear c_attn{nullptr}, attn_c_proj{nullptr}, c_fc{nullptr}, mlp_c_proj{nullptr};
  // Llama names.
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
  torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};

 private:
  // Each returns residual + its sub-layer's output for the normed input x.
  torch::Tensor Attention(const torch::Tensor& x, const torch::Tensor& residual,
                          const torch::Tensor& allowed, const torch::Tensor& cos,
                          const torch::Tensor& sin, torch::Tensor* past_k, torch::Tensor* past_v);
  torch::Tensor Mlp(const torch::Tensor& x, const torch::Tensor& residual);
  TransformerConfig config_;
};
TORCH_MODULE(TransformerBlock);

class TransformerImpl : public torch::nn::Module {
 public:
  // Parameters start as in Hugging Face's initialisation: weights N(0, 0.02), biases 0,
  // norm weights 1, drawn from libtorch's default generator.
  explicit TransformerImpl(const TransformerConfig& config);

  // input_ids [B, T] (int64) -> logits [B, T, V].
  // attention_mask: [B, S] with S = cache length + T, 1 for real tokens and 0 for padding
  // (left or right); undefined means all real. Position ids count real tokens only, so
  // left-padded rows get the positions they would have unpadded.
  // cache: when given, the new keys and values are appended to it and attention covers the
  // cached positions too (prefill, then one token at a time).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {},
                        KvCache* cache = nullptr);
  // The same pass without the output layer: the final-normed hidden states [B, T, d] that
  // forward turns into logits. Heads other than the language-model head (reward, value) read
  // these, and generation projects only the positions it samples from.
  torch::Tensor Hidden(const torch::Tensor& input_ids, const torch::Tensor& attention_mask = {},
                       KvCache* cache = nullptr);
  // hidden [..., d] -> logits [..., V] through the (tied or separate) output layer.
  torch::Tensor Logits(const torch::Tensor& hidden);

  const TransformerConfig& config() const { return config_; }

  // Every parameter under its Hugging Face name (GPT-2 names without the "transformer."
  // prefix). GPT-2's Conv1D weights are stored [in, out] by Hugging Face; here they are the
  // [out, in] Linear weights, and IsConv1dWeight says which names need the transpose.
  std::map<std::string, torch::Tensor> HfParameters() const;
  static bool IsConv1dWeight(const std::string& hf_name);

  torch::nn::Embedding embed{nullptr};      // [V, d]
  torch::nn::Embedding positions{nullptr};  // [P, d]; GPT-2 only
  torch::nn::ModuleList layers{nullptr};
  TransformerNorm final_norm{nullptr};
  torch::nn::Linear lm_head{nullptr};  // [V, d]; only when the embedding is not tied

 private:
  TransformerConfig config_;
  torch::Tensor inv_freq_;  // [Dh / 2]; Llama only
};
TORCH_MODULE(Transformer);

}  // namespace rlab::models
