#include "rlab/text/tokenizer/byte_unicode.h"

#include <array>

#include "rlab/text/tokenizer/unicode.h"

namespace rlab::models {

namespace {

struct Tables {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 512> to_byte{};  // every mapped character is below U+0200

  Tables() {
    to_byte.fill(-1);
    // Printable bytes stand for themselves; the others take the characters from U+0100 up,
    // in byte order.
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const char32_t c = printable(b) ? static_cast<char32_t>(b) : next++;
      to_char[b] = c;
      to_byte[c] = static_cast<int16_t>(b);
    }
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

}  // namespace

char32_t ByteToUnicode(uint8_t b) { return GetTables().to_char[b]; }

int UnicodeToByte(char32_t cp) {
  return cp < GetTables().to_byte.size() ? GetTables().to_byte[cp] : -1;
}

std::string BytesToVocabForm(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char b : bytes) AppendUtf8(ByteToUnicode(static_cast<uint8_t>(b)), out);
  return out;
}

bool VocabFormToBytes(std::string_view token, std::string& out) {
  out.clear();
  for (const CodePoint& c : DecodeUtf8(token)) {
    const int b = UnicodeToByte(c.value);
    if (b < 0) return false;
    out.push_back(static_cast<char>(b));
  }
  return true;
}

}  // namespace rlab::models
