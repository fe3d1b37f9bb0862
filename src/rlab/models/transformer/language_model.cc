#include "rlab/models/transformer/language_model.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "rlab/core/check.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "rlab/models/transformer/hf_checkpoint.h"
#include "rlab/models/transformer/presets.h"

namespace rlab::models {

namespace fs = std::filesystem;

bool HasTokenizerFiles(const fs::path& dir) {
  for (const char* name :
       {"tokenizer.json", "vocab.json", "encoder.json", "tokenizer_config.json"}) {
    if (fs::exists(dir / name)) return true;
  }
  return false;
}

std::string LanguageModel::Describe() const {
  const TransformerConfig& c = model->config();
  int64_t params = 0;
  for (const auto& p : model->parameters()) params += p.numel();
  return fmt::format("{} {} (width {}, {} layers, {:.2f}M parameters, vocabulary {}), {}",
                     ArchName(c.arch), source_dir.empty() ? "preset" : source_dir.string(),
                     c.hidden_size, c.num_layers, params / 1e6, c.vocab_size,
                     tokenizer ? tokenizer->Describe() : "no tokenizer");
}

LanguageModel OpenLanguageModel(std::string_view spec, uint64_t init_seed,
                                std::unique_ptr<Tokenizer> tokenizer) {
  std::string_view preset = spec;
  const bool explicit_preset = spec.starts_with("preset:");
  if (explicit_preset) preset.remove_prefix(7);
  LanguageModel lm;
  if (explicit_preset || !fs::exists(fs::path(spec))) {
    if (!tokenizer) tokenizer = std::make_unique<ByteTokenizer>();
    const auto config = FindPreset(preset, tokenizer->vocab_size());
    RLAB_CHECK(config.has_value(),
               "model '{}' is neither a model directory nor a preset; presets: {}", spec,
               PresetNames());
    torch::manual_seed(init_seed);
    lm.model = Transformer(*config);
    lm.tokenizer = std::move(tokenizer);
    return lm;
  }
  lm.source_dir = fs::path(spec);
  lm.model = LoadHfTransformer(lm.source_dir);
  if (tokenizer) {
    lm.tokenizer = std::move(tokenizer);
  } else if (HasTokenizerFiles(lm.source_dir)) {
    lm.tokenizer = LoadTokenizer(lm.source_dir);
  }
  if (lm.tokenizer) {
    RLAB_CHECK(lm.tokenizer->vocab_size() <= lm.model->config().vocab_size,
               "{}: the tokenizer has {} ids but the model's vocabulary is {}", spec,
               lm.tokenizer->vocab_size(), lm.model->config().vocab_size);
  }
  return lm;
}

void SaveLanguageModel(const LanguageModel& lm, const fs::path& dir) {
  SaveHfTransformer(lm.model, dir);
  SaveTokenizerFiles(lm.tokenizer.get(), lm.source_dir, dir);
}

void SaveTokenizerFiles(const Tokenizer* tokenizer, const fs::path& source_dir,
                        const fs::path& dir) {
  if (const auto* bytes = dynamic_cast<const ByteTokenizer*>(tokenizer)) {
    WriteByteTokenizerConfig(*bytes, dir);
  } else if (tokenizer && !source_dir.empty()) {
    CopyTokenizerFiles(source_dir, dir);
  }
}

}  // namespace rlab::models
