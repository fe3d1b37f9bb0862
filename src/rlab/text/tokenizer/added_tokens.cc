#include "rlab/text/tokenizer/added_tokens.h"

#include <algorithm>

#include "rlab/core/check.h"
#include "rlab/text/tokenizer/unicode.h"

namespace rlab::models {

namespace {

// The code point that ends just before byte `end` (not looking before `begin`), or none.
std::optional<CodePoint> CodePointBefore(std::string_view text, std::size_t begin,
                                         std::size_t end) {
  if (end <= begin) return std::nullopt;
  std::size_t start = end - 1;
  while (start > begin && end - start < 4 &&
         (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  const std::vector<CodePoint> cps = DecodeUtf8(text.substr(start, end - start));
  CodePoint last = cps.back();
  last.offset += static_cast<uint32_t>(start);
  return last;
}

std::optional<CodePoint> CodePointAt(std::string_view text, std::size_t pos, std::size_t end) {
  if (pos >= end) return std::nullopt;
  const std::vector<CodePoint> cps =
      DecodeUtf8(text.substr(pos, std::min<std::size_t>(4, end - pos)));
  CodePoint first = cps.front();
  first.offset += static_cast<uint32_t>(pos);
  return first;
}

bool IsWordChar(char32_t cp) { return cp == U'_' || IsLetter(cp) || IsNumber(cp); }

}  // namespace

void AddedTokenSet::Add(AddedToken token, std::string_view source) {
  RLAB_CHECK(!token.content.empty(), "{}: added token {} has empty content", source, token.id);
  RLAB_CHECK(token.id >= 0, "{}: added token '{}' has negative id {}", source, token.content,
             token.id);
  if (auto it = by_content_.find(token.content); it != by_content_.end()) {
    RLAB_CHECK(tokens_[it->second].id == token.id,
               "{}: added token '{}' appears twice, with ids {} and {}", source, token.content,
               tokens_[it->second].id, token.id);
    return;  // the same token listed twice
  }
  RLAB_CHECK(!by_id_.count(token.id), "{}: added tokens '{}' and '{}' share id {}", source,
             tokens_[by_id_.at(token.id)].content, token.content, token.id);
  const std::size_t index = tokens_.size();
  by_content_.emplace(token.content, index);
  by_id_.emplace(token.id, index);
  max_id_ = std::max(max_id_, token.id);
  auto& bucket = by_first_byte_[static_cast<unsigned char>(token.content[0])];
  tokens_.push_back(std::move(token));
  bucket.push_back(index);
  std::stable_sort(bucket.begin(), bucket.end(), [&](std::size_t a, std::size_t b) {
    return tokens_[a].content.size() > tokens_[b].content.size();
  });
}

const AddedToken* AddedTokenSet::FindById(TokenId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

std::optional<TokenId> AddedTokenSet::FindByContent(std::string_view content) const {
  auto it = by_content_.find(std::string(content));
  if (it == by_content_.end()) return std::nullopt;
  return tokens_[it->second].id;
}

bool AddedTokenSet::Matches(std::string_view text, std::size_t pos, const AddedToken& token) const {
  if (text.compare(pos, token.content.size(), token.content) != 0) return false;
  if (!token.single_word) return true;
  const auto before = CodePointBefore(text, 0, pos);
  const auto after = CodePointAt(text, pos + token.content.size(), text.size());
  return !(before && IsWordChar(before->value)) && !(after && IsWordChar(after->value));
}

std::vector<AddedTokenSet::Piece> AddedTokenSet::Split(std::string_view text) const {
  std::vector<Piece> pieces;
  if (tokens_.empty()) {
    if (!text.empty()) pieces.push_back({text, -1});
    return pieces;
  }
  std::size_t plain_begin = 0;  // start of the ordinary text not yet emitted
  std::size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* found = nullptr;
    for (std::size_t index : by_first_byte_[static_cast<unsigned char>(text[pos])]) {
      if (Matches(text, pos, tokens_[index])) {
        found = &tokens_[index];
        break;
      }
    }
    if (!found) {
      ++pos;
      continue;
    }
    std::size_t begin = pos;
    std::size_t end = pos + found->content.size();
    if (found->lstrip) {
      while (auto cp = CodePointBefore(text, plain_begin, begin)) {
        if (!IsSpace(cp->value)) break;
        begin = cp->offset;
      }
    }
    if (found->rstrip) {
      while (auto cp = CodePointAt(text, end, text.size())) {
        if (!IsSpace(cp->value)) break;
        end += cp->length;
      }
    }
    if (begin > plain_begin) pieces.push_back({text.substr(plain_begin, begin - plain_begin), -1});
    pieces.push_back({text.substr(begin, end - begin), found->id});
    plain_begin = pos = end;
  }
  if (plain_begin < text.size()) pieces.push_back({text.substr(plain_begin), -1});
  return pieces;
}

}  // namespace rlab::models
