// Right-padded batches of token sequences for training, with the masks a causal language-model
// loss needs.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <vector>

#include "rlab/text/sft_dataset.h"

namespace rlab::data {

struct TokenBatch {
  torch::Tensor ids;             // [B, T] int64, pad_token_id after each row's end
  torch::Tensor attention_mask;  // [B, T] int64, 1 for real tokens
  torch::Tensor loss_mask;       // [B, T] float, 1 where the token is a training target
  int64_t TrainedTokens() const;
};

// The examples at `indices`, padded to the longest of them.
TokenBatch CollateRightPadded(const std::vector<SftExample>& examples,
                              std::span<const int64_t> indices, int64_t pad_token_id);

}  // namespace rlab::data
