// GPT-2's reversible map between bytes and printable characters (Radford et al. 2019,
// "Language Models are Unsupervised Multitask Learners", section 2.2: BPE over bytes). Byte-
// level vocabularies store every token as the characters of its bytes under this map, so that
// no token holds whitespace or control characters: the space byte is 'Ġ' (U+0120), newline
// is 'Ċ' (U+010A).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rlab::models {

// The character that stands for byte `b`.
char32_t ByteToUnicode(uint8_t b);
// The byte that `cp` stands for, or -1 when `cp` is not in the map.
int UnicodeToByte(char32_t cp);

// UTF-8 text of the mapped characters of `bytes` (the form tokens take in vocab files).
std::string BytesToVocabForm(std::string_view bytes);
// The inverse; false (and `out` unspecified) when some character is not in the map.
bool VocabFormToBytes(std::string_view token, std::string& out);

}  // namespace rlab::models
