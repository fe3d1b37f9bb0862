#include "rlab/text/tokenizer/unicode.h"

#include <gtest/gtest.h>

#include "rlab/text/tokenizer/byte_unicode.h"

namespace rlab::models {
namespace {

TEST(Unicode, DecodesValidUtf8WithOffsets) {
  const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";  // a é 中 😀
  const std::vector<CodePoint> cps = DecodeUtf8(text);
  ASSERT_EQ(cps.size(), 4u);
  EXPECT_EQ(cps[0].value, U'a');
  EXPECT_EQ(cps[1].value, U'\u00E9');
  EXPECT_EQ(cps[2].value, U'\u4E2D');
  EXPECT_EQ(cps[3].value, U'\U0001F600');
  EXPECT_EQ(cps[3].offset, 6u);
  EXPECT_EQ(cps[3].length, 4u);
  std::string back;
  for (const CodePoint& c : cps) AppendUtf8(c.value, back);
  EXPECT_EQ(back, text);
}

TEST(Unicode, InvalidBytesBecomeSingleByteCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong form and a surrogate.
  const std::string text = "\x80x\xE4\xB8y\xC0\xAF\xED\xA0\x80";
  const std::vector<CodePoint> cps = DecodeUtf8(text);
  std::string back;
  for (const CodePoint& c : cps) {
    EXPECT_EQ(c.length, 1u);
    AppendUtf8(c.value, back);
  }
  EXPECT_EQ(back, text);
  EXPECT_EQ(cps[0].value, kInvalidByte + 0x80);
  EXPECT_EQ(ClassOf(cps[0].value), CharClass::kOther);
}

TEST(Unicode, CategoryClasses) {
  for (char32_t c :
       {U'a', U'Z', U'\u00E9', U'\u4E2D', U'\u0416', U'\u05D0', U'\u3042', U'\u02B0'}) {
    EXPECT_EQ(ClassOf(c), CharClass::kLetter) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U'0', U'9', U'\u0663', U'\u00BD', U'\u2167', U'\u00B2', U'\uFF15'}) {
    EXPECT_EQ(ClassOf(c), CharClass::kNumber) << static_cast<uint32_t>(c);
  }
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\u00A0', U'\u3000', U'\u2009', U'\u0085'}) {
    EXPECT_EQ(ClassOf(c), CharClass::kSpace) << static_cast<uint32_t>(c);
  }
  for (char32_t c :
       {U'!', U'\'', U'_', U'\u0301', U'\U0001F600', U'\u200B', U'\uFEFF', U'\u20AC'}) {
    EXPECT_EQ(ClassOf(c), CharClass::kOther) << static_cast<uint32_t>(c);
  }
  EXPECT_STREQ(UnicodeVersion(), "14.0.0");
}

TEST(ByteUnicode, IsABijectionOntoPrintableCharacters) {
  for (int b = 0; b < 256; ++b) {
    const char32_t c = ByteToUnicode(static_cast<uint8_t>(b));
    EXPECT_EQ(UnicodeToByte(c), b);
    EXPECT_NE(ClassOf(c), CharClass::kSpace);
  }
  EXPECT_EQ(ByteToUnicode(' '), U'\u0120');   // Ġ
  EXPECT_EQ(ByteToUnicode('\n'), U'\u010A');  // Ċ
  EXPECT_EQ(ByteToUnicode('A'), U'A');
  EXPECT_EQ(UnicodeToByte(U'\u0200'), -1);
  std::string bytes;
  EXPECT_TRUE(VocabFormToBytes(BytesToVocabForm(" caf\xC3\xA9\n"), bytes));
  EXPECT_EQ(bytes, " caf\xC3\xA9\n");
  EXPECT_FALSE(VocabFormToBytes("\xE4\xB8\xAD", bytes));  // 中 is no byte's character
}

}  // namespace
}  // namespace rlab::models
