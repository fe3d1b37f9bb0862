// A language model as the commands and trainers take it: a Transformer with the tokenizer it
// was trained with, opened from a Hugging Face model directory or created from a preset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "rlab/text/tokenizer/tokenizer.h"
#include "rlab/models/transformer/transformer.h"

namespace rlab::models {

struct LanguageModel {
  Transformer model{nullptr};
  std::unique_ptr<Tokenizer> tokenizer;  // null for a directory without tokenizer files
  std::filesystem::path source_dir;      // the directory it was read from; empty for a preset
  std::string Describe() const;
};

// `spec` is "preset:NAME", a model directory, or a bare preset name when no directory of that
// name exists. A preset gets `tokenizer` (default: the byte tokenizer), a vocabulary of its
// size and fresh weights drawn from `init_seed` (libtorch's default generator is seeded with
// it). A directory keeps its own tokenizer files unless `tokenizer` replaces them, which must
// then fit the model's vocabulary.
LanguageModel OpenLanguageModel(std::string_view spec, uint64_t init_seed,
                                std::unique_ptr<Tokenizer> tokenizer = nullptr);

// Writes the Hugging Face layout to `dir`: config.json, model.safetensors and the tokenizer
// (the byte tokenizer's config, or the source directory's tokenizer files).
void SaveLanguageModel(const LanguageModel& lm, const std::filesystem::path& dir);

// Writes `tokenizer` to the model directory `dir`: the byte tokenizer's config, or the files
// of the directory it was read from (`source_dir`; nothing when that is empty).
void SaveTokenizerFiles(const Tokenizer* tokenizer, const std::filesystem::path& source_dir,
                        const std::filesystem::path& dir);
// Whether `dir` holds tokenizer files that LoadTokenizer reads.
bool HasTokenizerFiles(const std::filesystem::path& dir);

}  // namespace rlab::models
