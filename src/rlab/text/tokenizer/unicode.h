// The few Unicode facts the tokenizers need: UTF-8 decoding that never fails (a byte that
// does not start a valid sequence becomes a code point of its own), UTF-8 encoding, and the
// character classes of the pre-tokenisation patterns: \p{L}, \p{N} and \s.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rlab::models {

// One decoded character and where its bytes sit in the text.
struct CodePoint {
  char32_t value;  // kInvalidByte + byte for a byte that is not valid UTF-8
  uint32_t offset;
  uint32_t length;  // bytes, 1 to 4
};

// Code points at or above this value stand for single bytes of invalid UTF-8; they belong to
// no letter, number or space class, so such bytes still pass through byte-level BPE.
inline constexpr char32_t kInvalidByte = 0x110000;

std::vector<CodePoint> DecodeUtf8(std::string_view text);
void AppendUtf8(char32_t cp, std::string& out);
std::string EncodeUtf8(std::u32string_view text);

enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

// General category L, general category N, the White_Space property, or none of these.
CharClass ClassOf(char32_t cp);
inline bool IsLetter(char32_t cp) { return ClassOf(cp) == CharClass::kLetter; }
inline bool IsNumber(char32_t cp) { return ClassOf(cp) == CharClass::kNumber; }
inline bool IsSpace(char32_t cp) { return ClassOf(cp) == CharClass::kSpace; }

// The Unicode version of the category table.
const char* UnicodeVersion();

}  // namespace rlab::models
