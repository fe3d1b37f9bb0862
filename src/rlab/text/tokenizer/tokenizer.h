// The tokenizer interface: text to token ids and back, with added (special) tokens and the
// roles BOS, EOS and PAD. Implementations: BpeTokenizer (byte-level BPE, bpe_tokenizer.h) and
// ByteTokenizer (one id per byte, byte_tokenizer.h); loaders in tokenizer_files.h.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rlab/text/tokenizer/added_tokens.h"

namespace rlab::models {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Added tokens written in `text` ("<|endoftext|>") become their ids; the rest is encoded as
  // ordinary text. Nothing is prepended: see EncodeWithBos.
  std::vector<TokenId> Encode(std::string_view text) const;
  // Encodes all of `text` as ordinary text, added tokens included (for untrusted text that
  // must not be able to inject control tokens).
  std::vector<TokenId> EncodeOrdinary(std::string_view text) const;
  // BOS (when the tokenizer has one) followed by Encode(text).
  std::vector<TokenId> EncodeWithBos(std::string_view text) const;

  // The bytes the ids stand for, concatenated. A cut in the middle of a multi-byte character
  // gives bytes that are not valid UTF-8. Throws rlab::Error on an id outside the vocabulary.
  std::string Decode(std::span<const TokenId> ids, bool skip_special = false) const;
  std::string DecodeOne(TokenId id) const { return Decode(std::span<const TokenId>(&id, 1)); }

  // One more than the largest id (added tokens included).
  virtual int64_t vocab_size() const = 0;
  // A short description: the kind and where it was read from.
  virtual std::string Describe() const = 0;

  const AddedTokenSet& added_tokens() const { return added_; }
  std::optional<TokenId> AddedTokenId(std::string_view content) const {
    return added_.FindByContent(content);
  }
  // The id of an added token; an error listing the added tokens when there is none.
  TokenId RequireAddedToken(std::string_view content) const;
  bool IsSpecial(TokenId id) const;

  std::optional<TokenId> bos_id() const { return bos_; }
  std::optional<TokenId> eos_id() const { return eos_; }
  std::optional<TokenId> pad_id() const { return pad_; }
  // Assign a role to an added token, by its content (errors when it is not an added token).
  void SetBos(std::string_view content) { bos_ = RequireAddedToken(content); }
  void SetEos(std::string_view content) { eos_ = RequireAddedToken(content); }
  void SetPad(std::string_view content) { pad_ = RequireAddedToken(content); }

 protected:
  // Encodes ordinary text (no added tokens in it) and appends the ids.
  virtual void EncodeOrdinaryInto(std::string_view text, std::vector<TokenId>& out) const = 0;
  // Appends the bytes of a non-added token; false when `id` is not in the vocabulary.
  virtual bool AppendTokenBytes(TokenId id, std::string& out) const = 0;

  AddedTokenSet added_;

 private:
  std::optional<TokenId> bos_, eos_, pad_;
};

}  // namespace rlab::models
