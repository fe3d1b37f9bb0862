// The hand-written pre-tokenisers against the patterns themselves, run by Python's `regex`
// module (Debian's python3-regex, which supports \p{L}, \p{N} and (?i:...)) on random strings
// of awkward characters. Skips, saying why, when /usr/bin/python3 lacks the module.
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <random>

#include "rlab/core/io.h"
#include "rlab/text/tokenizer/pretokenizer.h"
#include "rlab/text/tokenizer/unicode.h"
#include "test_support.h"

namespace rlab::models {
namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Random strings over characters that exercise every alternative of the patterns: spaces of
// several kinds, newlines, apostrophes and contraction letters in both cases, digits, letters
// and numbers outside ASCII, marks, emoji, and random code points.
std::vector<std::string> RandomStrings(int count, uint32_t seed) {
  const std::u32string pool =
      U"   \n\r\t'''sStTlLeEdDmMrRvVaz0123456789,.!?\"-_<|>$"
      U"\u00A0\u2028\u3000\u2003\u000B\u000C\u0085\u001C\uFEFF\u200B"
      U"\u00E9\u4E2D\u0416\u0130\u017F\u212A\u0301\u00BD\u0663\u2167\u00B2\U0001F600";
  std::mt19937 gen(seed);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::u32string s;
    const int length = 1 + static_cast<int>(gen() % 24);
    for (int k = 0; k < length; ++k) {
      if (gen() % 8 == 0) {
        const char32_t c = 0x20 + gen() % 0x2FFE0;
        if (c < 0xD800 || c > 0xDFFF) s += c;
      } else {
        s += pool[gen() % pool.size()];
      }
    }
    out.push_back(EncodeUtf8(s));
  }
  return out;
}

// Reads a JSON list of strings, writes, for each, the matches of the three patterns, or null
// for a string with a code point unassigned in the interpreter's Unicode tables (the regex
// module's tables may be newer than ours, which come from the same interpreter).
const char* kScript = R"(import json, sys, unicodedata
import regex
patterns = [regex.compile(p) for p in json.load(open(sys.argv[1]))]
corpus = json.load(open(sys.argv[2]))
out = []
for s in corpus:
    if any(unicodedata.category(c) == "Cn" for c in s):
        out.append(None)
    else:
        out.append([p.findall(s) for p in patterns])
json.dump(out, open(sys.argv[3], "w"))
)";

TEST(PreTokenizerReference, MatchesPythonRegexModule) {
  const std::string probe = fmt::format("{} -c 'import regex' >/dev/null 2>&1", kPython);
  if (std::system(probe.c_str()) != 0) {
    GTEST_SKIP() << kPython << " has no 'regex' module (Debian package python3-regex)";
  }
  const std::vector<PreTokenizer> modes = {PreTokenizer::kGpt2, PreTokenizer::kLlama3,
                                           PreTokenizer::kQwen2};
  nlohmann::json patterns = nlohmann::json::array();
  for (PreTokenizer mode : modes) patterns.push_back(PreTokenizerPattern(mode));
  const std::vector<std::string> corpus = RandomStrings(4000, 7);

  rlab::testing::ScratchDir dir("tok-pretokenizer-reference");
  rlab::testing::WriteText(dir / "patterns.json", patterns.dump());
  rlab::testing::WriteText(dir / "corpus.json", nlohmann::json(corpus).dump());
  rlab::testing::WriteText(dir / "split.py", kScript);
  const std::string command =
      fmt::format("{} '{}' '{}' '{}' '{}' 2>'{}'", kPython, (dir / "split.py").string(),
                  (dir / "patterns.json").string(), (dir / "corpus.json").string(),
                  (dir / "pieces.json").string(), (dir / "python.err").string());
  ASSERT_EQ(std::system(command.c_str()), 0)
      << "python failed: " << rlab::testing::ReadText(dir / "python.err");
  const nlohmann::json expected = nlohmann::json::parse(ReadFile(dir / "pieces.json"));
  ASSERT_EQ(expected.size(), corpus.size());

  int compared = 0, mismatches = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (expected[i].is_null()) continue;
    ++compared;
    for (std::size_t m = 0; m < modes.size(); ++m) {
      std::vector<std::string> ours;
      for (std::string_view piece : PreTokenize(corpus[i], modes[m])) ours.emplace_back(piece);
      const auto theirs = expected[i][m].get<std::vector<std::string>>();
      if (ours != theirs && ++mismatches <= 10) {
        ADD_FAILURE() << PreTokenizerName(modes[m]) << " on " << nlohmann::json(corpus[i]).dump()
                      << ": ours " << nlohmann::json(ours).dump() << ", regex "
                      << nlohmann::json(theirs).dump();
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(compared, 2000) << "too few strings compared";
}

}  // namespace
}  // namespace rlab::models
