#include "rlab/text/tokenizer/pretokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rlab::models {
namespace {

using Pieces = std::vector<std::string>;

Pieces Split(const std::string& text, PreTokenizer mode) {
  Pieces out;
  std::string joined;
  for (std::string_view p : PreTokenize(text, mode)) {
    out.emplace_back(p);
    joined += p;
  }
  EXPECT_EQ(joined, text) << "pieces must concatenate back to the text";
  return out;
}

TEST(PreTokenizerGpt2, WordsKeepTheirLeadingSpace) {
  EXPECT_EQ(Split("Hello world", PreTokenizer::kGpt2), (Pieces{"Hello", " world"}));
  EXPECT_EQ(Split("", PreTokenizer::kGpt2), Pieces{});
  EXPECT_EQ(Split("hello!!! world", PreTokenizer::kGpt2), (Pieces{"hello", "!!!", " world"}));
  EXPECT_EQ(Split("$hello", PreTokenizer::kGpt2), (Pieces{"$", "hello"}));
  EXPECT_EQ(Split("abc123 456", PreTokenizer::kGpt2), (Pieces{"abc", "123", " 456"}));
}

TEST(PreTokenizerGpt2, ContractionsAreCaseSensitive) {
  EXPECT_EQ(Split("I'm here", PreTokenizer::kGpt2), (Pieces{"I", "'m", " here"}));
  EXPECT_EQ(Split("we'll they've you're", PreTokenizer::kGpt2),
            (Pieces{"we", "'ll", " they", "'ve", " you", "'re"}));
  EXPECT_EQ(Split("'s'S", PreTokenizer::kGpt2), (Pieces{"'s", "'", "S"}));
  EXPECT_EQ(Split("'sometimes", PreTokenizer::kGpt2), (Pieces{"'s", "ometimes"}));
}

TEST(PreTokenizerGpt2, WhitespaceRunsLeaveTheirLastSpaceToTheNextWord) {
  EXPECT_EQ(Split("a   b", PreTokenizer::kGpt2), (Pieces{"a", "  ", " b"}));
  EXPECT_EQ(Split("x   ", PreTokenizer::kGpt2), (Pieces{"x", "   "}));
  EXPECT_EQ(Split("a\n\nb", PreTokenizer::kGpt2), (Pieces{"a", "\n", "\n", "b"}));
  EXPECT_EQ(Split("a \n b", PreTokenizer::kGpt2), (Pieces{"a", " \n", " b"}));
  EXPECT_EQ(Split("\tx", PreTokenizer::kGpt2), (Pieces{"\t", "x"}));
}

TEST(PreTokenizerGpt2, UnicodeClasses) {
  // é is a letter, 中文 are letters, ½ is a number, the emoji is neither.
  EXPECT_EQ(
      Split("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xC2\xBD \xF0\x9F\x98\x80!", PreTokenizer::kGpt2),
      (Pieces{"caf\xC3\xA9", " \xE4\xB8\xAD\xE6\x96\x87", " \xC2\xBD", " \xF0\x9F\x98\x80!"}));
  // Invalid UTF-8 bytes are "other" characters and stay in the pieces.
  EXPECT_EQ(Split("a\xFF\xFE b", PreTokenizer::kGpt2), (Pieces{"a", "\xFF\xFE", " b"}));
}

TEST(PreTokenizerLlama3, DifferencesFromGpt2) {
  // Case-insensitive contractions.
  EXPECT_EQ(Split("I'M DON'T", PreTokenizer::kLlama3), (Pieces{"I", "'M", " DON", "'T"}));
  // Numbers in groups of at most three digits, not glued to a space.
  EXPECT_EQ(Split("1234567 89", PreTokenizer::kLlama3), (Pieces{"123", "456", "7", " ", "89"}));
  // One non-letter, non-digit, non-newline character may lead a word.
  EXPECT_EQ(Split("$hello (x", PreTokenizer::kLlama3), (Pieces{"$hello", " (", "x"}));
  // Punctuation takes the newlines after it; whitespace runs end at their last newline.
  EXPECT_EQ(Split("foo...\n\nbar", PreTokenizer::kLlama3), (Pieces{"foo", "...\n\n", "bar"}));
  EXPECT_EQ(Split("a\n\nb", PreTokenizer::kLlama3), (Pieces{"a", "\n\n", "b"}));
  EXPECT_EQ(Split("a \n  b", PreTokenizer::kLlama3), (Pieces{"a", " \n", " ", " b"}));
  EXPECT_EQ(Split("a\nb", PreTokenizer::kLlama3), (Pieces{"a", "\n", "b"}));
  EXPECT_EQ(Split("  hello", PreTokenizer::kLlama3), (Pieces{" ", " hello"}));
}

TEST(PreTokenizerQwen2, SingleDigits) {
  EXPECT_EQ(Split("x=1234", PreTokenizer::kQwen2), (Pieces{"x", "=", "1", "2", "3", "4"}));
  EXPECT_EQ(Split("It'S", PreTokenizer::kQwen2), (Pieces{"It", "'S"}));
}

TEST(PreTokenizer, PatternsRoundTripByName) {
  for (PreTokenizer mode : {PreTokenizer::kGpt2, PreTokenizer::kLlama3, PreTokenizer::kQwen2}) {
    EXPECT_EQ(PreTokenizerForPattern(PreTokenizerPattern(mode)), mode) << PreTokenizerName(mode);
  }
  EXPECT_FALSE(PreTokenizerForPattern(R"(\w+|\s+)").has_value());
}

}  // namespace
}  // namespace rlab::models
