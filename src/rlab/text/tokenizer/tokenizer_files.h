// Reading tokenizers from the files that models ship with:
//   - GPT-2's `encoder.json` + `vocab.bpe` (Hugging Face calls them `vocab.json` + `merges.txt`);
//   - Hugging Face `tokenizer.json` files of byte-level BPE models (GPT-2, Llama-3, Qwen2);
//   - a model directory holding either, with `tokenizer_config.json` naming BOS, EOS and PAD.
// A malformed file is an rlab::Error naming the file and the entry at fault.
#pragma once

#include <filesystem>
#include <memory>

#include "rlab/text/tokenizer/bpe_tokenizer.h"
#include "rlab/text/tokenizer/byte_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::models {

// GPT-2's files. "<|endoftext|>", when in the vocabulary, becomes an added token and BOS and EOS.
std::unique_ptr<BpeTokenizer> LoadGpt2Tokenizer(const std::filesystem::path& vocab_json,
                                                const std::filesystem::path& merges_txt);

// A Hugging Face tokenizer.json whose model is byte-level BPE. Supported pre-tokenizers:
// ByteLevel with its regex (GPT-2), or Split with the Llama-3 or Qwen2 pattern followed by
// ByteLevel without regex. A normalizer must be absent or NFC; with NFC, text is assumed to be
// in NFC already (it is not normalised here). BOS comes from a TemplateProcessing post-processor
// that starts with a special token; EOS from a well-known name when present.
std::unique_ptr<BpeTokenizer> LoadHfTokenizerJson(const std::filesystem::path& tokenizer_json);

// A directory (tokenizer.json, else vocab.json + merges.txt, else encoder.json + vocab.bpe, else
// a tokenizer_config.json naming the byte tokenizer; then the roles in tokenizer_config.json
// when present) or a tokenizer.json file.
std::unique_ptr<Tokenizer> LoadTokenizer(const std::filesystem::path& path);

// Applies the bos_token, eos_token and pad_token of a tokenizer_config.json (strings, or
// objects with "content").
void ApplyTokenizerConfig(const std::filesystem::path& tokenizer_config_json, Tokenizer& tokenizer);

// The byte tokenizer has no vocabulary file: a model directory records it as a
// tokenizer_config.json with "tokenizer_class": "RlabByteTokenizer", its added tokens in id
// order under "added_tokens", and the usual bos_token / eos_token / pad_token.
inline constexpr const char* kByteTokenizerClass = "RlabByteTokenizer";
void WriteByteTokenizerConfig(const ByteTokenizer& tokenizer, const std::filesystem::path& dir);

// Makes `dst` hold the tokenizer files of the model directory `src` (every file whose name
// starts with "tokenizer", "vocab", "merges", "special_tokens_map" or "encoder"), so that a
// model written from a loaded one keeps its tokenizer. Copies nothing when src == dst.
void CopyTokenizerFiles(const std::filesystem::path& src, const std::filesystem::path& dst);

}  // namespace rlab::models
