// A batch of tokenized preference records for a sequence reward model: every response of
// every record is one right-padded row, so chosen and rejected (or a whole ranking) go
// through the model in one forward pass, and RmTargets says which rows are compared.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <span>
#include <vector>

#include "rlab/text/preference_tokens.h"
#include "rlab/reward/model/rm_objective.h"

namespace rlab::reward {

struct RmBatch {
  torch::Tensor ids;             // [N, T] int64
  torch::Tensor attention_mask;  // [N, T] int64, 1 for real tokens
  RmTargets targets;
  int64_t Tokens() const;  // real tokens in the batch
};

// The records at `indices`. A pair is one comparison; a ranking is a Plackett-Luce list; a
// record with one chosen and several rejected responses is that many pairs.
RmBatch CollatePreferences(const std::vector<data::PreferenceExample>& examples,
                           std::span<const int64_t> indices, int64_t pad_token_id);

}  // namespace rlab::reward
