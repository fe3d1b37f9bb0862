#include "rlab/text/tokenizer/byte_tokenizer.h"

#include <fmt/format.h>

#include <utility>

namespace rlab::models {

ByteTokenizer::ByteTokenizer(ByteTokenizerOptions options) : options_(std::move(options)) {
  for (const std::string& content : options_.special_tokens) {
    added_.Add(AddedToken{.content = content, .id = 256 + num_special_}, "byte tokenizer");
    ++num_special_;
  }
  if (added_.FindByContent("<pad>")) SetPad("<pad>");
  if (added_.FindByContent("<bos>")) SetBos("<bos>");
  if (added_.FindByContent("<eos>")) SetEos("<eos>");
}

std::string ByteTokenizer::Describe() const {
  return fmt::format("byte tokenizer (256 bytes + {} added tokens)", num_special_);
}

void ByteTokenizer::EncodeOrdinaryInto(std::string_view text, std::vector<TokenId>& out) const {
  for (char c : text) out.push_back(static_cast<uint8_t>(c));
}

bool ByteTokenizer::AppendTokenBytes(TokenId id, std::string& out) const {
  if (id < 0 || id >= 256) return false;
  out.push_back(static_cast<char>(id));
  return true;
}

}  // namespace rlab::models
