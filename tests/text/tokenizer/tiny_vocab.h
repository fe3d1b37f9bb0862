// Small byte-level BPE vocabularies for the tests: the 256 byte tokens (id = byte value) and
// merges whose results take the next ids.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rlab/text/tokenizer/added_tokens.h"
#include "rlab/text/tokenizer/byte_unicode.h"

namespace rlab::models::testing {

struct TinyVocab {
  std::vector<std::pair<std::string, TokenId>> vocab;
  std::vector<std::pair<std::string, std::string>> merges;

  TinyVocab() {
    for (int b = 0; b < 256; ++b) {
      vocab.emplace_back(BytesToVocabForm(std::string(1, static_cast<char>(b))), b);
    }
  }
  // Adds the merge left+right (in vocabulary form) and returns the id of the result.
  TokenId Merge(const std::string& left, const std::string& right) {
    merges.emplace_back(left, right);
    const TokenId id = static_cast<TokenId>(vocab.size());
    vocab.emplace_back(left + right, id);
    return id;
  }
  // Adds a token without a merge that produces it.
  TokenId Token(const std::string& form) {
    const TokenId id = static_cast<TokenId>(vocab.size());
    vocab.emplace_back(form, id);
    return id;
  }
};

}  // namespace rlab::models::testing
