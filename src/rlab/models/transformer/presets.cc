#include "rlab/models/transformer/presets.h"

namespace rlab::models {

namespace {

TransformerConfig Llama(int64_t width, int64_t layers, int64_t heads, int64_t kv_heads,
                        int64_t mlp) {
  TransformerConfig c;
  c.arch = TransformerArch::kLlama;
  c.hidden_size = width;
  c.num_layers = layers;
  c.num_heads = heads;
  c.num_kv_heads = kv_heads;
  c.intermediate_size = mlp;
  c.max_positions = 1024;
  c.norm_eps = 1e-5;
  c.tie_word_embeddings = true;
  return c;
}

}  // namespace

const std::vector<ModelPreset>& ModelPresets() {
  static const std::vector<ModelPreset> presets = {
      {"tiny", "~0.45M parameters (width 128, 2 layers)", Llama(128, 2, 4, 4, 384)},
      {"small", "~2.4M parameters (width 256, 3 layers)", Llama(256, 3, 8, 4, 704)},
      {"medium", "~10.7M parameters (width 384, 6 layers)", Llama(384, 6, 6, 6, 1024)},
  };
  return presets;
}

std::optional<TransformerConfig> FindPreset(std::string_view name, int64_t vocab_size) {
  for (const ModelPreset& preset : ModelPresets()) {
    if (preset.name != name) continue;
    TransformerConfig config = preset.config;
    config.vocab_size = vocab_size;
    config.Validate();
    return config;
  }
  return std::nullopt;
}

std::string PresetNames() {
  std::string out;
  for (const ModelPreset& preset : ModelPresets()) {
    if (!out.empty()) out += ", ";
    out += preset.name;
  }
  return out;
}

}  // namespace rlab::models
