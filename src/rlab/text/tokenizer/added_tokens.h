// Added tokens: strings such as "<|endoftext|>" or "<|im_start|>" that map to one id each and
// are cut out of the text before any other tokenisation, as Hugging Face's `added_tokens`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rlab::models {

using TokenId = int64_t;

struct AddedToken {
  std::string content;
  TokenId id = -1;
  bool special = true;       // dropped by Decode(..., skip_special=true)
  bool lstrip = false;       // swallows the whitespace just before it
  bool rstrip = false;       // swallows the whitespace just after it
  bool single_word = false;  // only matches with no letter, digit or '_' on either side
};

class AddedTokenSet {
 public:
  // `source` names where the token came from, for the error on a duplicate or empty token.
  void Add(AddedToken token, std::string_view source);

  const AddedToken* FindById(TokenId id) const;
  std::optional<TokenId> FindByContent(std::string_view content) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool empty() const { return tokens_.empty(); }
  TokenId max_id() const { return max_id_; }  // -1 when empty

  // A stretch of text: ordinary text (id < 0) or one added token (`text` is what it matched).
  struct Piece {
    std::string_view text;
    TokenId id = -1;
  };
  // Cuts `text` at the added tokens in it, leftmost first and, among those starting at the
  // same place, the longest. The ordinary pieces are never empty.
  std::vector<Piece> Split(std::string_view text) const;

 private:
  bool Matches(std::string_view text, std::size_t pos, const AddedToken& token) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<std::string, std::size_t> by_content_;
  std::unordered_map<TokenId, std::size_t> by_id_;
  std::array<std::vector<std::size_t>, 256> by_first_byte_;  // longest first
  TokenId max_id_ = -1;
};

}  // namespace rlab::models
