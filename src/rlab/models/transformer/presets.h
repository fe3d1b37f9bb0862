// Model presets: small Llama-architecture shapes for the synthetic tasks, sized so that they
// train in minutes on a 2-core CPU. Their vocabulary is the byte tokenizer's.
//   tiny    ~0.45M parameters: width 128, 2 layers, 4 heads, MLP 384
//   small   ~2.4M  parameters: width 256, 3 layers, 8 heads (4 key/value), MLP 704
//   medium  ~10.7M parameters: width 384, 6 layers, 6 heads, MLP 1024 (nanoGPT's small
//           character model's shape)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/models/transformer/config.h"

namespace rlab::models {

struct ModelPreset {
  std::string name;
  std::string description;
  TransformerConfig config;  // vocab_size filled in by PresetConfig
};

const std::vector<ModelPreset>& ModelPresets();
// The preset `name` with `vocab_size`; nullopt when there is no such preset.
std::optional<TransformerConfig> FindPreset(std::string_view name, int64_t vocab_size);
// "tiny, small, medium" for messages.
std::string PresetNames();

}  // namespace rlab::models
