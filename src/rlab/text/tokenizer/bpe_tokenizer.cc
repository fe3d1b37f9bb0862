#include "rlab/text/tokenizer/bpe_tokenizer.h"

#include <algorithm>
#include <limits>

#include "rlab/core/check.h"
#include "rlab/text/tokenizer/byte_unicode.h"
#include "rlab/text/tokenizer/unicode.h"

namespace rlab::models {

namespace {

constexpr TokenId kMaxId = (TokenId{1} << 31) - 1;
constexpr std::size_t kCacheLimit = 1 << 16;

std::string MergeWhere(const BpeSource& source, std::size_t i) {
  if (source.first_merge_line > 0) {
    return fmt::format("{} line {}", source.merges,
                       source.first_merge_line + static_cast<int64_t>(i));
  }
  return fmt::format("{}[{}]", source.merges, i);
}

}  // namespace

BpeTokenizer::BpeTokenizer(const std::vector<std::pair<std::string, TokenId>>& vocab,
                           const std::vector<std::pair<std::string, std::string>>& merges,
                           std::vector<AddedToken> added, BpeOptions options, BpeSource source)
    : options_(options), source_(std::move(source)) {
  for (AddedToken& token : added) added_.Add(std::move(token), source_.vocab);

  TokenId max_id = added_.max_id();
  for (const auto& [token, id] : vocab) {
    RLAB_CHECK(id >= 0 && id <= kMaxId, "{}: token '{}' has id {}, outside 0..{}", source_.vocab,
               token, id, kMaxId);
    max_id = std::max(max_id, id);
  }
  vocab_size_ = max_id + 1;
  id_bytes_.reserve(vocab.size());

  for (const auto& [token, id] : vocab) {
    RLAB_CHECK(!token.empty(), "{}: id {} has an empty token", source_.vocab, id);
    auto [slot, fresh] = id_bytes_.try_emplace(id);
    if (!fresh) {
      const auto other = std::find_if(vocab.begin(), vocab.end(), [&](const auto& entry) {
        return entry.second == id && entry.first != token;
      });
      RLAB_FAIL("{}: tokens '{}' and '{}' share id {}", source_.vocab,
                other != vocab.end() ? other->first : token, token, id);
    }
    RLAB_CHECK(token_to_id_.emplace(token, id).second, "{}: token '{}' appears twice",
               source_.vocab, token);
    if (const AddedToken* a = added_.FindById(id)) {
      // Added tokens decode to their content; the vocabulary may list them in any form.
      slot->second = a->content;
    } else {
      RLAB_CHECK(VocabFormToBytes(token, slot->second),
                 "{}: token '{}' (id {}) has a character outside GPT-2's byte-to-character "
                 "map; only byte-level BPE vocabularies are supported",
                 source_.vocab, token, id);
    }
  }

  for (int b = 0; b < 256; ++b) {
    const std::string form = BytesToVocabForm(std::string(1, static_cast<char>(b)));
    auto it = token_to_id_.find(form);
    RLAB_CHECK(it != token_to_id_.end(),
               "{}: the vocabulary lacks '{}', the token of byte 0x{:02X}; byte-level BPE needs a "
               "token for each of the 256 bytes",
               source_.vocab, form, b);
    byte_ids_[b] = it->second;
  }

  RLAB_CHECK(merges.size() < static_cast<std::size_t>(std::numeric_limits<int32_t>::max()),
             "{}: too many merges ({})", source_.merges, merges.size());
  merges_.reserve(merges.size());
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const auto& [left, right] = merges[i];
    auto find = [&](const std::string& part) {
      auto it = token_to_id_.find(part);
      RLAB_CHECK(it != token_to_id_.end(), "{}: merge '{} {}' uses '{}', which is not in {}",
                 MergeWhere(source_, i), left, right, part, source_.vocab);
      return it->second;
    };
    const TokenId a = find(left);
    const TokenId b = find(right);
    const TokenId result = find(left + right);
    // A pair listed twice keeps its last rank, as the reference implementations do.
    merges_[PairKey(a, b)] = Merge{static_cast<int32_t>(i), result};
  }
}

std::string BpeTokenizer::Describe() const {
  return fmt::format("byte-level BPE tokenizer ({}, {} merges, {} pre-tokenisation)", source_.vocab,
                     merges_.size(), PreTokenizerName(options_.pre_tokenizer));
}

std::optional<TokenId> BpeTokenizer::TokenToId(std::string_view vocab_form) const {
  auto it = token_to_id_.find(std::string(vocab_form));
  if (it != token_to_id_.end()) return it->second;
  return added_.FindByContent(vocab_form);
}

std::string BpeTokenizer::IdToToken(TokenId id) const {
  if (const AddedToken* a = added_.FindById(id)) return a->content;
  auto it = id_bytes_.find(id);
  if (it == id_bytes_.end()) return {};
  return BytesToVocabForm(it->second);
}

void BpeTokenizer::EncodeOrdinaryInto(std::string_view text, std::vector<TokenId>& out) const {
  std::string prefixed;
  if (options_.add_prefix_space && !text.empty() && text.front() != ' ') {
    prefixed = " ";
    prefixed += text;
    text = prefixed;
  }
  for (std::string_view piece : PreTokenize(text, options_.pre_tokenizer)) EncodePiece(piece, out);
}

void BpeTokenizer::EncodePiece(std::string_view piece, std::vector<TokenId>& out) const {
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(std::string(piece));
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<TokenId> ids = MergePiece(piece);
  out.insert(out.end(), ids.begin(), ids.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_.emplace(std::string(piece), std::move(ids));
}

std::vector<TokenId> BpeTokenizer::MergePiece(std::string_view piece) const {
  if (options_.ignore_merges) {
    auto it = token_to_id_.find(BytesToVocabForm(piece));
    if (it != token_to_id_.end()) return {it->second};
  }
  std::vector<TokenId> symbols;
  symbols.reserve(piece.size());
  for (char c : piece) symbols.push_back(byte_ids_[static_cast<uint8_t>(c)]);

  // Sennrich et al. 2016 (arXiv:1508.07909), applied as GPT-2 applies it: find the adjacent
  // pair with the lowest merge rank, merge every occurrence of it from left to right, repeat.
  std::vector<TokenId> merged;
  while (symbols.size() > 1) {
    int32_t best_rank = std::numeric_limits<int32_t>::max();
    TokenId best_left = -1, best_right = -1, best_result = -1;
    for (std::size_t k = 0; k + 1 < symbols.size(); ++k) {
      auto it = merges_.find(PairKey(symbols[k], symbols[k + 1]));
      if (it != merges_.end() && it->second.rank < best_rank) {
        best_rank = it->second.rank;
        best_left = symbols[k];
        best_right = symbols[k + 1];
        best_result = it->second.result;
      }
    }
    if (best_result < 0) break;
    merged.clear();
    for (std::size_t k = 0; k < symbols.size(); ++k) {
      if (k + 1 < symbols.size() && symbols[k] == best_left && symbols[k + 1] == best_right) {
        merged.push_back(best_result);
        ++k;
      } else {
        merged.push_back(symbols[k]);
      }
    }
    symbols.swap(merged);
  }
  return symbols;
}

bool BpeTokenizer::AppendTokenBytes(TokenId id, std::string& out) const {
  auto it = id_bytes_.find(id);
  if (it == id_bytes_.end()) return false;
  out += it->second;
  return true;
}

}  // namespace rlab::models
