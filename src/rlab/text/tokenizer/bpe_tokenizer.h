// Byte-level byte-pair encoding, as in GPT-2 (Radford et al. 2019, "Language Models are
// Unsupervised Multitask Learners", section 2.2), Llama-3 and Qwen2. BPE itself is Sennrich,
// Haddow and Birch 2016, "Neural Machine Translation of Rare Words with Subword Units"
// (arXiv:1508.07909): a word starts as a sequence of symbols (here: bytes) and the learned
// merges are applied by rank, lowest first, until no adjacent pair has a merge.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rlab/text/tokenizer/pretokenizer.h"
#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::models {

struct BpeOptions {
  PreTokenizer pre_tokenizer = PreTokenizer::kGpt2;
  // Prepend a space to each stretch of ordinary text that does not start with one (Hugging
  // Face's ByteLevel `add_prefix_space`).
  bool add_prefix_space = false;
  // A piece that is itself a vocabulary token is emitted whole, without merging (Hugging
  // Face's `ignore_merges`, set by Llama-3).
  bool ignore_merges = false;
};

// Where the vocabulary and merges came from, for error messages.
struct BpeSource {
  std::string vocab;   // e.g. "encoder.json" or "tokenizer.json: model.vocab"
  std::string merges;  // e.g. "vocab.bpe" or "tokenizer.json: model.merges"
  // Merge i is reported as "line (first_merge_line + i)" when positive, else as "[i]".
  int64_t first_merge_line = 0;
};

class BpeTokenizer : public Tokenizer {
 public:
  // `vocab`: tokens in vocabulary form (bytes mapped by byte_unicode.h) and their ids; it must
  // hold all 256 single bytes. `merges`: pairs of vocabulary tokens, in rank order; both halves
  // and their concatenation must be vocabulary tokens. `added`: added tokens, which may also
  // appear in `vocab` with the same id. Every problem is an rlab::Error naming the source.
  BpeTokenizer(const std::vector<std::pair<std::string, TokenId>>& vocab,
               const std::vector<std::pair<std::string, std::string>>& merges,
               std::vector<AddedToken> added, BpeOptions options, BpeSource source);

  int64_t vocab_size() const override { return vocab_size_; }
  std::string Describe() const override;
  const BpeOptions& options() const { return options_; }
  int64_t num_merges() const { return static_cast<int64_t>(merges_.size()); }

  // The id of a token in vocabulary form ("Ġthe"), if any.
  std::optional<TokenId> TokenToId(std::string_view vocab_form) const;
  // The vocabulary form of `id` (an added token's content); empty when unknown.
  std::string IdToToken(TokenId id) const;

 protected:
  void EncodeOrdinaryInto(std::string_view text, std::vector<TokenId>& out) const override;
  bool AppendTokenBytes(TokenId id, std::string& out) const override;

 private:
  struct Merge {
    int32_t rank;
    TokenId result;
  };
  static uint64_t PairKey(TokenId a, TokenId b) {
    return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
  }
  void EncodePiece(std::string_view piece, std::vector<TokenId>& out) const;
  std::vector<TokenId> MergePiece(std::string_view piece) const;

  BpeOptions options_;
  BpeSource source_;
  int64_t vocab_size_ = 0;
  std::unordered_map<std::string, TokenId> token_to_id_;  // vocabulary form
  // Vocabulary id -> the bytes it stands for. A map, not a vector indexed by id: a file may
  // hold one huge id, and vocab_size() (largest id + 1) must not decide the memory used.
  std::unordered_map<TokenId, std::string> id_bytes_;
  std::array<TokenId, 256> byte_ids_{};
  std::unordered_map<uint64_t, Merge> merges_;

  // Pieces already merged. Text repeats its words, so most pieces are found here.
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<TokenId>> cache_;
};

}  // namespace rlab::models
