#include "rlab/text/tokenizer/byte_tokenizer.h"

#include <gtest/gtest.h>

#include "rlab/core/check.h"

namespace rlab::models {
namespace {

using Ids = std::vector<TokenId>;

TEST(ByteTokenizer, BytesAndSpecials) {
  const ByteTokenizer t;
  EXPECT_EQ(t.vocab_size(), 259);
  EXPECT_EQ(t.pad_id(), 256);
  EXPECT_EQ(t.bos_id(), 257);
  EXPECT_EQ(t.eos_id(), 258);
  EXPECT_EQ(t.Encode("Hi\xC3\xA9"), (Ids{'H', 'i', 0xC3, 0xA9}));
  EXPECT_EQ(t.EncodeWithBos("12+3=<eos>"), (Ids{257, '1', '2', '+', '3', '=', 258}));
  EXPECT_EQ(t.EncodeOrdinary("<eos>").size(), 5u);
  EXPECT_EQ(t.Decode(Ids{257, 'o', 'k', 258}), "<bos>ok<eos>");
  EXPECT_EQ(t.Decode(Ids{257, 'o', 'k', 258}, /*skip_special=*/true), "ok");
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(t.Decode(t.Encode(all)), all);
  EXPECT_THROW(t.Decode(Ids{259}), rlab::Error);
}

TEST(ByteTokenizer, CustomSpecials) {
  const ByteTokenizer t(ByteTokenizerOptions{.special_tokens = {"<eos>", "<sep>"}});
  EXPECT_EQ(t.vocab_size(), 258);
  EXPECT_EQ(t.eos_id(), 256);
  EXPECT_FALSE(t.bos_id().has_value());
  EXPECT_FALSE(t.pad_id().has_value());
  EXPECT_EQ(t.Encode("a<sep>b"), (Ids{'a', 257, 'b'}));
  EXPECT_THROW(ByteTokenizer(ByteTokenizerOptions{.special_tokens = {"<x>", "<x>"}}).vocab_size(),
               rlab::Error);
}

}  // namespace
}  // namespace rlab::models
