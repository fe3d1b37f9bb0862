// Finding ill-formed UTF-8: the chunked scan agrees with a whole-text decode wherever the
// chunks are cut, and the locator names the string that holds the byte.
#include <gtest/gtest.h>

#include <string>

#include "rlab/core/rng.h"
#include "rlab/text/invalid_utf8.h"
#include "rlab/text/tokenizer/unicode.h"

namespace rlab::data {
namespace {

// Random well-formed text of about `bytes` bytes, with characters of 1 to 4 bytes.
std::string RandomText(Rng& rng, std::size_t bytes) {
  std::string text;
  while (text.size() < bytes) {
    const char32_t ranges[4][2] = {
        {0x20, 0x7E}, {0x80, 0x7FF}, {0x800, 0xD7FF}, {0x10000, 0x10FFFF}};
    const auto* r = ranges[rng.UniformInt(4)];
    models::AppendUtf8(r[0] + static_cast<char32_t>(rng.UniformInt(r[1] - r[0] + 1)), text);
  }
  return text;
}

TEST(InvalidUtf8, WellFormedTextAcrossChunkBoundaries) {
  Rng rng(5);
  for (int trial = 0; trial < 8; ++trial) {
    const std::string text = RandomText(rng, 200000);
    EXPECT_FALSE(FirstInvalidUtf8(text).has_value()) << "trial " << trial;
  }
  // A four-byte character straddling the first cut at every possible position.
  for (std::size_t pad = 65530; pad < 65537; ++pad) {
    const std::string text = std::string(pad, 'a') + "\xF0\x9F\x98\x80" + "z";
    EXPECT_FALSE(FirstInvalidUtf8(text).has_value()) << pad;
  }
}

TEST(InvalidUtf8, FirstBadByteMatchesAWholeDecode) {
  Rng rng(9);
  for (int trial = 0; trial < 8; ++trial) {
    std::string text = RandomText(rng, 150000);
    // A stray continuation byte or a truncated sequence somewhere past the first cut.
    const std::size_t at = 65530 + static_cast<std::size_t>(rng.UniformInt(20000));
    text.insert(at, trial % 2 ? std::string("\x80\x80\x80\x80\x80") : std::string("\xE2\x82"));
    std::optional<std::size_t> expected;
    for (const models::CodePoint& cp : models::DecodeUtf8(text)) {
      if (cp.value >= models::kInvalidByte) {
        expected = cp.offset;
        break;
      }
    }
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(FirstInvalidUtf8(text), expected) << "trial " << trial;
  }
  EXPECT_EQ(FirstInvalidUtf8("ok\xC0\xAF"), 2u);  // overlong '/'
}

TEST(InvalidUtf8, LocatesTheField) {
  const auto a = LocateInvalidUtf8("{\"a\": {\"b\": [\"x\", \"yy\xff\"]}}");
  ASSERT_TRUE(a && a->field);
  EXPECT_EQ(*a->field, "a.b[1]");
  EXPECT_EQ(a->field_offset, 2u);
  EXPECT_EQ(a->byte, 0xff);
  EXPECT_FALSE(a->record.has_value());
  EXPECT_EQ(DescribeInvalidUtf8(*a, false),
            "field 'a.b[1]' is not valid UTF-8 (byte 0xff at offset 2)");
  // Records of an array; later bad bytes do not hide the first.
  const auto b = LocateInvalidUtf8("[{\"x\": \"1\"},\n {\"y\": \"\xfe\", \"z\": \"\xff\"}]");
  ASSERT_TRUE(b && b->field && b->record);
  EXPECT_EQ(*b->record, 1u);
  EXPECT_EQ(*b->field, "y");
  EXPECT_EQ(b->line, 2u);
  // In a key; outside every string.
  const auto c = LocateInvalidUtf8("{\"k\xff\": 1}");
  ASSERT_TRUE(c && c->in_key);
  EXPECT_EQ(DescribeInvalidUtf8(*c, false),
            "a field name is not valid UTF-8 (byte 0xff at offset 1)");
  const auto d = LocateInvalidUtf8("[1,\n 2\xff]");
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->field.has_value());
  EXPECT_EQ(DescribeInvalidUtf8(*d, true), "byte 0xff at line 2, column 3 is not valid UTF-8");
  EXPECT_FALSE(LocateInvalidUtf8("{\"a\": \"\\udcff\"}").has_value());
}

}  // namespace
}  // namespace rlab::data
