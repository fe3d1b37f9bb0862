// rlab tokenize / detokenize: ids on one line, round trips, named tokenizers, clear errors.
#include <gtest/gtest.h>

#include "test_support.h"

namespace rlab {
namespace {

using testing::LastLine;
using testing::RunRlab;

TEST(TokenizeCli, ByteTokenizerRoundTrip) {
  const auto enc = RunRlab({"tokenize", "--tokenizer", "byte", "hi\xc3\xa9"});
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  EXPECT_EQ(LastLine(enc.out), "104 105 195 169");
  const auto dec = RunRlab({"detokenize", "--tokenizer", "byte", "104,105 195,169"});
  ASSERT_EQ(dec.exit_code, 0) << dec.err;
  EXPECT_EQ(LastLine(dec.out), "hi\xc3\xa9");
}

TEST(TokenizeCli, Gpt2KnownIds) {
  const auto enc = RunRlab({"tokenize", "--tokenizer", "gpt2", "Hello world"});
  if (enc.exit_code != 0 && enc.err.find("were not found") != std::string::npos) {
    GTEST_SKIP() << "GPT-2 vocabulary not installed (scripts/install-deps.sh installs it)";
  }
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  EXPECT_EQ(LastLine(enc.out), "15496 995");  // GPT-2's ids for "Hello" and " world"
  const auto dec = RunRlab({"detokenize", "--tokenizer", "gpt2", "15496 995 50256"});
  ASSERT_EQ(dec.exit_code, 0) << dec.err;
  EXPECT_EQ(LastLine(dec.out), "Hello world<|endoftext|>");
  const auto skip = RunRlab({"detokenize", "--skip-special", "15496 995 50256"});
  EXPECT_EQ(LastLine(skip.out), "Hello world");
}

TEST(TokenizeCli, BadInputGivesOneClearLine) {
  const auto unknown = RunRlab({"tokenize", "--tokenizer", "no-such-tokenizer", "x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("not a known name (byte, gpt2)"), std::string::npos) << unknown.err;
  const auto bad_id = RunRlab({"detokenize", "--tokenizer", "byte", "1 x 2"});
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_NE(bad_id.err.find("token id 'x'"), std::string::npos) << bad_id.err;
  const auto out_of_range = RunRlab({"detokenize", "--tokenizer", "byte", "99999"});
  EXPECT_EQ(out_of_range.exit_code, 1);
  EXPECT_NE(out_of_range.err.find("99999"), std::string::npos) << out_of_range.err;
}

}  // namespace
}  // namespace rlab
