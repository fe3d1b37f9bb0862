// One id per byte (0..255) and a few added tokens after them: the tokenizer of the synthetic
// tasks, where a small vocabulary matters more than short sequences.
#pragma once

#include <string>
#include <vector>

#include "rlab/text/tokenizer/tokenizer.h"

namespace rlab::models {

struct ByteTokenizerOptions {
  // Added tokens, given ids 256, 257, ... in this order. The ones named "<pad>", "<bos>" and
  // "<eos>" take those roles.
  std::vector<std::string> special_tokens = {"<pad>", "<bos>", "<eos>"};
};

class ByteTokenizer : public Tokenizer {
 public:
  explicit ByteTokenizer(ByteTokenizerOptions options = {});

  int64_t vocab_size() const override { return 256 + num_special_; }
  std::string Describe() const override;
  const ByteTokenizerOptions& options() const { return options_; }

 protected:
  void EncodeOrdinaryInto(std::string_view text, std::vector<TokenId>& out) const override;
  bool AppendTokenBytes(TokenId id, std::string& out) const override;

 private:
  ByteTokenizerOptions options_;
  int64_t num_special_ = 0;
};

}  // namespace rlab::models
