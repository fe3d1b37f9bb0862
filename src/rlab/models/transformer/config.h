// The shape of a decoder-only transformer, read from and written to a Hugging Face
// config.json. Two families are supported: GPT-2 (Radford et al. 2019, "Language Models are
// Unsupervised Multitask Learners") and Llama (Touvron et al. 2023, "LLaMA: Open and
// Efficient Foundation Language Models", arXiv:2302.13971).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace rlab::models {

enum class TransformerArch {
  kGpt2,   // learned positions, LayerNorm, GELU MLP, fused QKV with biases, tied head
  kLlama,  // rotary positions, RMSNorm, SwiGLU MLP, grouped-query attention, no biases
};

std::string_view ArchName(TransformerArch arch);  // "gpt2" or "llama", as in model_type

struct TransformerConfig {
  TransformerArch arch = TransformerArch::kLlama;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;          // model width d (GPT-2: n_embd)
  int64_t num_layers = 0;           // GPT-2: n_layer
  int64_t num_heads = 0;            // query heads H (GPT-2: n_head)
  int64_t num_kv_heads = 0;         // key/value heads; equal to num_heads for GPT-2
  int64_t intermediate_size = 0;    // MLP width (GPT-2: n_inner, default 4 d)
  int64_t max_positions = 0;        // GPT-2: n_positions (size of the position table)
  double norm_eps = 1e-5;           // layer_norm_epsilon / rms_norm_eps
  double rope_theta = 10000.0;      // Llama only
  bool tie_word_embeddings = true;  // always true for GPT-2

  int64_t head_dim() const { return hidden_size / num_heads; }
  // Throws rlab::Error naming the inconsistent field.
  void Validate() const;
};

// Parses a config.json document; `source` (the file name) prefixes every error, which also
// names the offending field.
TransformerConfig ParseTransformerConfig(const nlohmann::json& json, std::string_view source);
TransformerConfig ReadTransformerConfig(const std::filesystem::path& path);
// The Hugging Face config.json for `config` (model_type, architectures and the fields above).
nlohmann::json TransformerConfigToJson(const TransformerConfig& config);

}  // namespace rlab::models
