#include "rlab/text/tokenizer/tokenizer.h"

#include "rlab/core/check.h"
#include "rlab/core/registry.h"

namespace rlab::models {

std::vector<TokenId> Tokenizer::Encode(std::string_view text) const {
  std::vector<TokenId> ids;
  for (const AddedTokenSet::Piece& piece : added_.Split(text)) {
    if (piece.id >= 0) {
      ids.push_back(piece.id);
    } else {
      EncodeOrdinaryInto(piece.text, ids);
    }
  }
  return ids;
}

std::vector<TokenId> Tokenizer::EncodeOrdinary(std::string_view text) const {
  std::vector<TokenId> ids;
  if (!text.empty()) EncodeOrdinaryInto(text, ids);
  return ids;
}

std::vector<TokenId> Tokenizer::EncodeWithBos(std::string_view text) const {
  std::vector<TokenId> ids;
  if (bos_) ids.push_back(*bos_);
  const std::vector<TokenId> rest = Encode(text);
  ids.insert(ids.end(), rest.begin(), rest.end());
  return ids;
}

std::string Tokenizer::Decode(std::span<const TokenId> ids, bool skip_special) const {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const TokenId id = ids[i];
    if (const AddedToken* added = added_.FindById(id)) {
      if (!(skip_special && added->special)) out += added->content;
      continue;
    }
    RLAB_CHECK(id >= 0 && AppendTokenBytes(id, out),
               "cannot decode token id {} (position {}): it is not in the vocabulary of {} "
               "(ids 0..{})",
               id, i, Describe(), vocab_size() - 1);
  }
  return out;
}

TokenId Tokenizer::RequireAddedToken(std::string_view content) const {
  if (auto id = added_.FindByContent(content)) return *id;
  std::vector<std::string> names;
  for (const AddedToken& t : added_.tokens()) {
    if (names.size() == 20) {
      names.push_back(fmt::format("... ({} in all)", added_.tokens().size()));
      break;
    }
    names.push_back(t.content);
  }
  RLAB_FAIL("{} has no added token '{}'; its added tokens: {}", Describe(), content,
            names.empty() ? std::string("(none)") : JoinNames(names));
}

bool Tokenizer::IsSpecial(TokenId id) const {
  const AddedToken* added = added_.FindById(id);
  return added != nullptr && added->special;
}

}  // namespace rlab::models
