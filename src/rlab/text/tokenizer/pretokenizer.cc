#include "rlab/text/tokenizer/pretokenizer.h"

#include <cstddef>

#include "rlab/text/tokenizer/unicode.h"

namespace rlab::models {

namespace {

struct Char {
  char32_t cp;
  CharClass cls;
};

class Matcher {
 public:
  explicit Matcher(const std::vector<CodePoint>& cps) {
    chars_.reserve(cps.size());
    for (const CodePoint& c : cps) chars_.push_back({c.value, ClassOf(c.value)});
  }
  std::size_t size() const { return chars_.size(); }

  // End (exclusive, in characters) of the match that starts at `i`.
  std::size_t MatchGpt2(std::size_t i) const {
    if (std::size_t end = Contraction(i, /*ignore_case=*/false)) return end;
    // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the optional space binds to the run after it.
    const std::size_t start = Is(i, U' ') ? i + 1 : i;
    for (CharClass cls : {CharClass::kLetter, CharClass::kNumber, CharClass::kOther}) {
      if (ClassAt(start) == cls) return RunEnd(start, cls);
    }
    return Whitespace(i);
  }

  std::size_t MatchLlama3(std::size_t i, std::size_t max_digits) const {
    if (std::size_t end = Contraction(i, /*ignore_case=*/true)) return end;
    // `[^\r\n\p{L}\p{N}]?\p{L}+`
    if (ClassAt(i) == CharClass::kLetter) return RunEnd(i, CharClass::kLetter);
    if (!IsNewline(i) && ClassAt(i) != CharClass::kNumber && ClassAt(i + 1) == CharClass::kLetter) {
      return RunEnd(i + 1, CharClass::kLetter);
    }
    // `\p{N}{1,3}` (Llama-3) or `\p{N}` (Qwen2)
    if (ClassAt(i) == CharClass::kNumber) {
      const std::size_t end = RunEnd(i, CharClass::kNumber);
      return end - i > max_digits ? i + max_digits : end;
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
    const std::size_t start = Is(i, U' ') ? i + 1 : i;
    if (ClassAt(start) == CharClass::kOther) {
      std::size_t end = RunEnd(start, CharClass::kOther);
      while (IsNewline(end)) ++end;
      return end;
    }
    // `\s*[\r\n]+`: the greedy \s* gives back characters until a newline ends the match, so
    // the match runs to just past the last newline in the whitespace run.
    const std::size_t space_end = RunEnd(i, CharClass::kSpace);
    for (std::size_t k = space_end; k > i; --k) {
      if (IsNewline(k - 1)) return k;
    }
    return Whitespace(i);
  }

 private:
  CharClass ClassAt(std::size_t i) const {
    // Past the end counts as no class at all; kSpace is never asked for this way.
    return i < chars_.size() ? chars_[i].cls : CharClass::kSpace;
  }
  bool Is(std::size_t i, char32_t cp) const { return i < chars_.size() && chars_[i].cp == cp; }
  bool IsNewline(std::size_t i) const { return Is(i, U'\r') || Is(i, U'\n'); }
  std::size_t RunEnd(std::size_t i, CharClass cls) const {
    while (i < chars_.size() && chars_[i].cls == cls) ++i;
    return i;
  }

  // 's|'t|'re|'ve|'m|'ll|'d, optionally case-insensitive (where U+017F, long s, folds to s).
  std::size_t Contraction(std::size_t i, bool ignore_case) const {
    if (!Is(i, U'\'') || i + 1 >= chars_.size()) return 0;
    auto fold = [&](std::size_t k) -> char32_t {
      if (k >= chars_.size()) return 0;
      const char32_t c = chars_[k].cp;
      if (!ignore_case) return c;
      if (c >= U'A' && c <= U'Z') return c - U'A' + U'a';
      return c == U'\u017F' ? U's' : c;
    };
    const char32_t a = fold(i + 1);
    if (a == U's' || a == U't' || a == U'm' || a == U'd') return i + 2;
    const char32_t b = fold(i + 2);
    if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) {
      return i + 3;
    }
    return 0;
  }

  // `\s+(?!\S)|\s+` at a whitespace character: a run followed by a non-space gives its last
  // character to the next piece (so " word" keeps its space), unless the run is that one
  // character.
  std::size_t Whitespace(std::size_t i) const {
    const std::size_t end = RunEnd(i, CharClass::kSpace);
    if (end == chars_.size() || end - i == 1) return end;
    return end - 1;
  }

  std::vector<Char> chars_;
};

}  // namespace

std::vector<std::string_view> PreTokenize(std::string_view text, PreTokenizer mode) {
  const std::vector<CodePoint> cps = DecodeUtf8(text);
  const Matcher matcher(cps);
  std::vector<std::string_view> pieces;
  std::size_t i = 0;
  while (i < cps.size()) {
    std::size_t end = 0;
    switch (mode) {
      case PreTokenizer::kGpt2: end = matcher.MatchGpt2(i); break;
      case PreTokenizer::kLlama3: end = matcher.MatchLlama3(i, 3); break;
      case PreTokenizer::kQwen2: end = matcher.MatchLlama3(i, 1); break;
    }
    if (end <= i) end = i + 1;  // every character matches some alternative; stay safe anyway
    const std::size_t begin_byte = cps[i].offset;
    const std::size_t end_byte = end < cps.size() ? cps[end].offset : text.size();
    pieces.push_back(text.substr(begin_byte, end_byte - begin_byte));
    i = end;
  }
  return pieces;
}

const char* PreTokenizerName(PreTokenizer mode) {
  switch (mode) {
    case PreTokenizer::kGpt2: return "gpt2";
    case PreTokenizer::kLlama3: return "llama3";
    case PreTokenizer::kQwen2: return "qwen2";
  }
  return "?";
}

const std::string& PreTokenizerPattern(PreTokenizer mode) {
  static const std::string gpt2 =
      R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
  static const std::string llama3 =
      R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  static const std::string qwen2 =
      R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  switch (mode) {
    case PreTokenizer::kLlama3: return llama3;
    case PreTokenizer::kQwen2: return qwen2;
    case PreTokenizer::kGpt2: break;
  }
  return gpt2;
}

std::optional<PreTokenizer> PreTokenizerForPattern(std::string_view regex) {
  for (PreTokenizer mode : {PreTokenizer::kGpt2, PreTokenizer::kLlama3, PreTokenizer::kQwen2}) {
    if (regex == PreTokenizerPattern(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace rlab::models
