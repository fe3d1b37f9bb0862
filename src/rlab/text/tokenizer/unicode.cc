#include "rlab/text/tokenizer/unicode.h"

#include <algorithm>

#include "rlab/text/tokenizer/unicode_table.h"

namespace rlab::models {

namespace {

// The White_Space property of Unicode's PropList.txt. This is the \s of the regular-expression
// engines the reference tokenizers use (Python's `regex`, Oniguruma); JavaScript's \s differs
// in two code points (it adds U+FEFF and omits U+0085).
bool IsWhiteSpaceProperty(char32_t cp) {
  if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
  if (cp < 0x85) return false;
  switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
  }
}

CharClass TableClass(char32_t cp) {
  using unicode_table::kCategoryRangeCount;
  using unicode_table::kCategoryRanges;
  const auto* end = kCategoryRanges + kCategoryRangeCount;
  // First range whose last code point is >= cp.
  const auto* it = std::lower_bound(
      kCategoryRanges, end, cp,
      [](const unicode_table::CategoryRange& r, char32_t c) { return r.last < c; });
  if (it == end || it->first > cp) return CharClass::kOther;
  return it->cls == unicode_table::kLetter ? CharClass::kLetter : CharClass::kNumber;
}

// Expected total length of a sequence from its lead byte, 0 for a byte that cannot lead.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace

std::vector<CodePoint> DecodeUtf8(std::string_view text) {
  std::vector<CodePoint> out;
  out.reserve(text.size());
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const int len = SequenceLength(s[i]);
    char32_t cp = 0;
    bool valid = len > 0 && i + len <= n;
    if (valid) {
      cp = len == 1 ? s[i] : (s[i] & (0x7F >> len));
      for (int k = 1; k < len && valid; ++k) {
        valid = (s[i + k] & 0xC0) == 0x80;
        cp = (cp << 6) | (s[i + k] & 0x3F);
      }
      // Overlong three- and four-byte forms, surrogates and values past U+10FFFF.
      if (valid && len == 3) valid = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
      if (valid && len == 4) valid = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (valid) {
      out.push_back({cp, static_cast<uint32_t>(i), static_cast<uint32_t>(len)});
      i += len;
    } else {
      out.push_back({kInvalidByte + s[i], static_cast<uint32_t>(i), 1});
      i += 1;
    }
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp >= kInvalidByte) {
    out.push_back(static_cast<char>(cp - kInvalidByte));
  } else if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) AppendUtf8(cp, out);
  return out;
}

CharClass ClassOf(char32_t cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return CharClass::kLetter;
    if (cp >= '0' && cp <= '9') return CharClass::kNumber;
    return IsWhiteSpaceProperty(cp) ? CharClass::kSpace : CharClass::kOther;
  }
  if (cp >= kInvalidByte) return CharClass::kOther;
  if (IsWhiteSpaceProperty(cp)) return CharClass::kSpace;
  return TableClass(cp);
}

const char* UnicodeVersion() { return unicode_table::kUnicodeVersion; }

}  // namespace rlab::models
