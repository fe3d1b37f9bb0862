// Pre-tokenisation: the regular expression that cuts text into pieces before byte-pair
// merging, so that merges never cross a word, number or punctuation boundary. GPT-2 introduced
// it (Radford et al. 2019, "Language Models are Unsupervised Multitask Learners", section
// 2.2: BPE "from merging across character categories for any byte sequence"); Llama-3 and
// Qwen2 use a variant. There is no Unicode-aware regular expression engine in the standard
// library, so each pattern is matched by hand here, alternative by alternative, with the same
// leftmost-first, greedy semantics as the reference engines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::models {

enum class PreTokenizer {
  // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
  kGpt2,
  // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
  // \s*[\r\n]+|\s+(?!\S)|\s+
  kLlama3,
  // As kLlama3 but with single digits: \p{N} in place of \p{N}{1,3}.
  kQwen2,
};

// Splits `text` into pieces that concatenate back to it exactly. Bytes that are not valid
// UTF-8 are kept, each as a character outside every class.
std::vector<std::string_view> PreTokenize(std::string_view text, PreTokenizer mode);

// "gpt2", "llama3", "qwen2".
const char* PreTokenizerName(PreTokenizer mode);
// The regular expression each mode implements, as written in tokenizer.json files.
const std::string& PreTokenizerPattern(PreTokenizer mode);
// The mode whose pattern is exactly `regex`, if any.
std::optional<PreTokenizer> PreTokenizerForPattern(std::string_view regex);

}  // namespace rlab::models
