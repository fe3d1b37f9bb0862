// The smallest Llama-layout transformer the reward-model tests build: one layer of width 16
// (two heads, feed-forward 32) over `vocab_size` tokens and `max_positions` positions.
#pragma once

#include <cstdint>

#include "rlab/models/transformer/config.h"

namespace rlab::testing {

inline models::TransformerConfig SmallLlamaConfig(int64_t vocab_size, int64_t max_positions) {
  models::TransformerConfig c;
  c.arch = models::TransformerArch::kLlama;
  c.vocab_size = vocab_size;
  c.hidden_size = 16;
  c.num_layers = 1;
  c.num_heads = 2;
  c.num_kv_heads = 2;
  c.intermediate_size = 32;
  c.max_positions = max_positions;
  return c;
}

}  // namespace rlab::testing
