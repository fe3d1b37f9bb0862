// Small random transformer configurations shared by the transformer tests.
#pragma once

#include "rlab/models/transformer/config.h"

namespace rlab::models::testing {

inline TransformerConfig TinyGpt2() {
  TransformerConfig c;
  c.arch = TransformerArch::kGpt2;
  c.vocab_size = 37;
  c.hidden_size = 16;
  c.num_layers = 2;
  c.num_heads = 4;
  c.num_kv_heads = 4;
  c.intermediate_size = 64;
  c.max_positions = 32;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

inline TransformerConfig TinyLlama(int64_t kv_heads = 2, bool tied = false) {
  TransformerConfig c;
  c.arch = TransformerArch::kLlama;
  c.vocab_size = 41;
  c.hidden_size = 16;
  c.num_layers = 2;
  c.num_heads = 4;
  c.num_kv_heads = kv_heads;
  c.intermediate_size = 24;
  c.max_positions = 64;
  c.norm_eps = 1e-6;
  c.rope_theta = 10000.0;
  c.tie_word_embeddings = tied;
  return c;
}

}  // namespace rlab::models::testing
